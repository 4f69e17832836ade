package checktest

import (
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/runbookhq/runbook/host/abi"
	"github.com/runbookhq/runbook/host/captest"
)

// The threshold checks read the real /proc and df of this machine through
// a real sshd. Readings move between runs, so each test either sets a
// threshold no reading can cross, or asserts that the verdict agrees
// with the reading the check reported; sizes that do not move (total
// memory, CPU count, filesystem size) are compared with this process's
// own view of the machine.

func thresholdTarget(t *testing.T) (obj, map[string]string) {
	t.Helper()
	return sshTarget(t, captest.SSHD(t))
}

func merge(base obj, kv ...any) obj {
	o := obj{}
	for k, v := range base {
		o[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		o[kv[i].(string)] = kv[i+1]
	}
	return o
}

// agrees wants status to be failed exactly when v is on the fail side.
func agrees(t *testing.T, out abi.Output, v, limit float64, failWhen string) {
	t.Helper()
	breach := v > limit
	if failWhen == "below" {
		breach = v < limit
	}
	if want := map[bool]string{true: abi.StatusFailed, false: abi.StatusHealthy}[breach]; out.Status != want {
		t.Errorf("reading %v, threshold %v (fail %s): got %s %q; want %s", v, limit, failWhen, out.Status, out.Message, want)
	}
}

// meminfoKB reads one /proc/meminfo field of this machine.
func meminfoKB(t *testing.T, name string) float64 {
	t.Helper()
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("/proc/meminfo has no %s", name)
	return 0
}

func TestFreeMemory(t *testing.T) {
	p := load(t, "free-memory")
	target, secrets := thresholdTarget(t)
	total := meminfoKB(t, "MemTotal") * 1024

	t.Run("default: failed below 10%", func(t *testing.T) {
		out := p.Run(t, target, secrets)
		if out.Metrics["total_bytes"] != total {
			t.Errorf("total_bytes %v; this machine has %v", out.Metrics["total_bytes"], total)
		}
		pct := out.Metrics["available_percent"]
		if pct <= 0 || pct > 100 || math.Abs(out.Metrics["available_bytes"]/total*100-pct) > 1e-9 {
			t.Errorf("metrics %v", out.Metrics)
		}
		agrees(t, out, pct, 10, "below")
		if !strings.Contains(out.Message, "available memory") || out.Metrics["threshold"] != 10 {
			t.Errorf("message %q metrics %v", out.Message, out.Metrics)
		}
	})
	t.Run("thresholds no reading crosses", func(t *testing.T) {
		p.Expect(t, merge(target, "threshold", 0), secrets, abi.StatusHealthy, "(fails below 0%)")
		p.Expect(t, merge(target, "threshold", 100), secrets, abi.StatusFailed, "is below the threshold 100%")
		p.Expect(t, merge(target, "threshold", 0, "fail_when", "above"), secrets, abi.StatusFailed, "is above the threshold 0%")
	})
	t.Run("MiB", func(t *testing.T) {
		over := math.Ceil(total/(1<<20)) + 1 // more than the machine has
		p.Expect(t, merge(target, "unit", "MiB", "threshold", over), secrets, abi.StatusFailed, " MiB is below the threshold ")
		out := p.Expect(t, merge(target, "unit", "MiB", "threshold", 1), secrets, abi.StatusHealthy, " MiB (fails below 1 MiB)")
		agrees(t, out, out.Metrics["available_bytes"]/(1<<20), 1, "below")
	})
	t.Run("validate", func(t *testing.T) {
		p.Valid(t, merge(target, "threshold", 5))
		p.Invalid(t, merge(target, "threshold", 101), "threshold")
		p.Invalid(t, merge(target, "unit", "MiB"), "threshold")
		p.Invalid(t, merge(target, "unit", "GB", "threshold", 1), "unit")
		p.Invalid(t, merge(target, "fail_when", "over"), "fail_when")
		p.Invalid(t, merge(target, "thresold", 5), "thresold")
	})
}

func TestSwapUsed(t *testing.T) {
	p := load(t, "swap-used")
	target, secrets := thresholdTarget(t)
	swapTotal := meminfoKB(t, "SwapTotal") * 1024

	out := p.Run(t, target, secrets)
	if out.Metrics["swap_total_bytes"] != swapTotal {
		t.Errorf("swap_total_bytes %v; this machine has %v", out.Metrics["swap_total_bytes"], swapTotal)
	}
	agrees(t, out, out.Metrics["swap_used_percent"], 50, "above")
	if swapTotal == 0 && !strings.Contains(out.Message, "the host has no swap") {
		t.Errorf("message %q: want the missing swap noted", out.Message)
	}
	// Swap in use is never more than all of it, nor below nothing.
	p.Expect(t, merge(target, "threshold", 100), secrets, abi.StatusHealthy, "swap used")
	p.Expect(t, merge(target, "threshold", 0, "fail_when", "below"), secrets, abi.StatusHealthy, "(fails below 0%)")
	p.Invalid(t, merge(target, "threshold", -1), "threshold")
}

func TestLoadAverage(t *testing.T) {
	p := load(t, "load-average")
	target, secrets := thresholdTarget(t)
	cpus := float64(runtime.NumCPU())

	out := p.Run(t, target, secrets)
	if out.Metrics["cpus"] != cpus {
		t.Errorf("cpus %v; this machine has %v", out.Metrics["cpus"], cpus)
	}
	// Default: the 5-minute load per CPU against 1.5.
	if !strings.Contains(out.Message, "5-minute load per CPU") {
		t.Errorf("message %q", out.Message)
	}
	agrees(t, out, out.Metrics["load5"]/cpus, 1.5, "above")

	out = p.Run(t, merge(target, "period", 15, "per_cpu", false, "threshold", 2), secrets)
	if !strings.Contains(out.Message, "15-minute load ") || strings.Contains(out.Message, "per CPU") {
		t.Errorf("message %q", out.Message)
	}
	agrees(t, out, out.Metrics["load15"], 2, "above")
	p.Expect(t, merge(target, "threshold", 10000), secrets, abi.StatusHealthy)
	p.Expect(t, merge(target, "period", 1, "threshold", 10000, "fail_when", "below"), secrets, abi.StatusFailed, "1-minute load per CPU", "is below the threshold 10000")
	p.Invalid(t, merge(target, "period", 10), "period")
	p.Invalid(t, merge(target, "per_cpu", "yes"), "per_cpu")
}

func TestCPUIdle(t *testing.T) {
	p := load(t, "cpu-idle")
	target, secrets := thresholdTarget(t)

	out := p.Run(t, merge(target, "threshold", 50), secrets)
	idle, ok := out.Metrics["idle_percent"]
	if !ok || idle < 0 || idle > 100 {
		t.Fatalf("%s %q metrics %v", out.Status, out.Message, out.Metrics)
	}
	agrees(t, out, idle, 50, "below")
	p.Expect(t, merge(target, "threshold", 0), secrets, abi.StatusHealthy, "idle CPU", "(fails below 0%)")
	p.Expect(t, merge(target, "threshold", 100, "fail_when", "above"), secrets, abi.StatusHealthy)
	// The two samples are interval seconds apart; the command's timeout
	// must leave room for it.
	p.Invalid(t, merge(target, "interval", 2, "timeout", 1), "interval")
	p.Invalid(t, merge(target, "interval", 11), "interval")
}

func TestFilesystemUsage(t *testing.T) {
	p := load(t, "filesystem-usage")
	target, secrets := thresholdTarget(t)
	var st syscall.Statfs_t
	dir := t.TempDir()
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}

	out := p.Run(t, merge(target, "path", dir), secrets)
	if want := float64(st.Blocks) * float64(st.Bsize); math.Abs(out.Metrics["size_bytes"]-want) > 1024 {
		t.Errorf("size_bytes %v; statfs says %v", out.Metrics["size_bytes"], want)
	}
	used := out.Metrics["used_percent"]
	if math.Abs(used-out.Metrics["used_bytes"]/(out.Metrics["used_bytes"]+out.Metrics["available_bytes"])*100) > 1e-9 {
		t.Errorf("metrics %v", out.Metrics)
	}
	agrees(t, out, used, 90, "above")
	if out := p.Run(t, target, secrets); !strings.Contains(out.Message, "filesystem / used") { // default path /
		t.Errorf("message %q: want the root filesystem", out.Message)
	}
	p.Expect(t, merge(target, "path", dir, "threshold", 100), secrets, abi.StatusHealthy)
	p.Expect(t, merge(target, "path", dir, "threshold", 0), secrets, abi.StatusFailed, "is above the threshold 0%")
	p.Expect(t, merge(target, "path", "/no/such/dir"), secrets, abi.StatusFailed, `"df -P -k /no/such/dir" exited 1`, "/no/such/dir")
	for _, bad := range []string{"relative", "/tmp; reboot", "/tmp/$(reboot)", "/a b", "-h", "/x\n"} {
		p.Invalid(t, merge(target, "path", bad), "path")
	}
}
