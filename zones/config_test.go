package zones

import (
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	c, err := Parse([]byte(`
name: eu-1
redis: {addr: 127.0.0.1:6379}
monitor_broker: {frontend: "tcp://127.0.0.1:5555", backend: "tcp://127.0.0.1:5556"}
action_broker: {frontend: "tcp://127.0.0.1:5557", backend: "tcp://127.0.0.1:5558"}
intervals: [30s, 1m, 300]
worker: {concurrency: 8}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "eu-1" || c.Worker.Concurrency != 8 || c.Actioner.Concurrency == 0 || c.Plugins.PoolSize != 4 || c.Journal.Batch == 0 {
		t.Fatalf("parsed %+v", c)
	}
	if !c.AllowsInterval(c.Intervals[2].D()) || c.Intervals[2].String() != "5m0s" {
		t.Fatalf("intervals %v", c.Intervals)
	}
}

// Every bad field is named, so an operator fixes the file in one go.
func TestParseErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"missing everything", `name: "bad name"`, []string{"name:", "redis.addr", "monitor_broker.frontend", "action_broker.backend"}},
		{"bad interval", `
name: z
redis: {addr: x:1}
monitor_broker: {frontend: "tcp://a:1", backend: "tcp://a:2"}
action_broker: {frontend: "tcp://a:3", backend: "tcp://a:4"}
intervals: [10ms]
worker: {concurrency: -1}`, []string{"intervals[0]", "worker.concurrency"}},
		{"bad limits", `
name: z
redis: {addr: x:1}
monitor_broker: {frontend: "tcp://a:1", backend: "tcp://a:2", queue_limit: -5}
action_broker: {frontend: "tcp://a:3", backend: "tcp://a:4"}
actioner: {max_result_age: 10ms}
journal: {flush_interval: 2m, batch: 0}
plugins: {pool_size: 0, memory_mib: 1024, max_memory_mib: 256, timeout: 10m, output_bytes: -1}`,
			[]string{"monitor_broker.queue_limit", "actioner.max_result_age", "journal.flush_interval",
				"plugins.memory_mib", "plugins.timeout", "plugins.output_bytes"}},
		{"typo in plugins is refused", `
name: z
plugins: {memroy_mib: 3}`, []string{"memroy_mib"}},
		{"typo is refused", `
name: z
redsi: {addr: x:1}`, []string{"redsi"}},
		{"not yaml", `{{{`, []string{"parsing zone config"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatal("want error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("name: a\nredis: {addr: x:1}\n"))
	f.Add([]byte("intervals: [1s, '2m']"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Parse accepted a config that does not validate: %v", verr)
			}
		}
	})
}
