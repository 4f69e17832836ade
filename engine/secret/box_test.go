package secret

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealOpenRoundTrip(t *testing.T) {
	box, err := NewBox(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]string{"slack_webhook": "https://hooks.example/T000/B000/XXX", "ssh_key": "-----BEGIN OPENSSH PRIVATE KEY-----\n..."}
	sealed, err := box.Seal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range in {
		if strings.Contains(sealed, v) || strings.Contains(sealed, "hooks.example") {
			t.Fatalf("sealed value shows the secret: %s", sealed)
		}
	}
	again, _ := box.Seal(in)
	if again == sealed {
		t.Fatal("two seals of the same secrets are identical: the nonce is not random")
	}
	out, err := box.Open(sealed)
	if err != nil || len(out) != 2 || out["ssh_key"] != in["ssh_key"] {
		t.Fatalf("open = %v, %v", out, err)
	}
	if s, _ := box.Seal(nil); s != "" {
		t.Fatalf("empty secrets sealed to %q", s)
	}
}

func TestTamperedOrForeignIsRefused(t *testing.T) {
	a, _ := NewBox(testKey(1))
	b, _ := NewBox(testKey(2))
	sealed, _ := a.Seal(map[string]string{"k": "v"})
	if _, err := b.Open(sealed); !errors.Is(err, ErrNoKey) {
		t.Fatalf("foreign key: %v, want ErrNoKey", err)
	}
	// Every character changed in turn, the last one included (its
	// unused low bits too: a non-canonical encoding is refused).
	for i := strings.LastIndex(sealed, ":") + 1; i < len(sealed); i++ {
		for _, c := range []byte{'A', 'B', 'z', '/'} {
			if c == sealed[i] {
				continue
			}
			if _, err := a.Open(sealed[:i] + string(c) + sealed[i+1:]); err == nil {
				t.Fatalf("value with character %d changed to %q opened", i, c)
			}
		}
	}
	if _, err := a.Open("plain text"); err == nil {
		t.Fatal("plain text opened")
	}
}

// A rotated deployment seals with the new key and still opens the old.
func TestRotation(t *testing.T) {
	old, _ := NewBox(testKey(1))
	sealedOld, _ := old.Seal(map[string]string{"k": "old"})
	rotated, _ := NewBox(testKey(2), testKey(1))
	if v, err := rotated.Open(sealedOld); err != nil || v["k"] != "old" {
		t.Fatalf("old value after rotation: %v %v", v, err)
	}
	sealedNew, _ := rotated.Seal(map[string]string{"k": "new"})
	if _, err := old.Open(sealedNew); !errors.Is(err, ErrNoKey) {
		t.Fatal("new value opened with the retired key alone")
	}
}

func TestLoadBoxCreatesAndReusesKeyFile(t *testing.T) {
	t.Setenv(EnvKey, "")
	path := filepath.Join(t.TempDir(), "secret.key")
	a, err := LoadBox(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	sealed, _ := a.Seal(map[string]string{"k": "v"})
	b, err := LoadBox(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := b.Open(sealed); err != nil || v["k"] != "v" {
		t.Fatalf("reloaded key cannot open: %v %v", v, err)
	}
	if _, err := LoadBox(""); err == nil {
		t.Fatal("no env and no file: want an error naming the variable")
	}
}

func FuzzOpen(f *testing.F) {
	box, _ := NewBox(testKey(3))
	s, _ := box.Seal(map[string]string{"a": "b"})
	f.Add(s)
	f.Add("rbsec1:00000000:AAAA")
	f.Fuzz(func(t *testing.T, sealed string) {
		_, _ = box.Open(sealed) // must never panic
	})
}
