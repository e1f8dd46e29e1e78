package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type cacheValue struct {
	W2      float64 `json:"w2"`
	Samples int     `json:"samples"`
}

func TestCache_StoreLoad(t *testing.T) {
	c, err := OpenCache(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := Key(map[string]any{"preset": "smoke", "seed": 1})
	if err != nil {
		t.Fatal(err)
	}
	var v cacheValue
	if ok, err := c.Load("table3/unconditional/dmp-gcn", key, &v); ok || err != nil {
		t.Fatalf("Load of a missing entry = %v, %v; want false, nil", ok, err)
	}
	want := cacheValue{W2: 0.8123456789012345, Samples: 256}
	if err := c.Store("table3/unconditional/dmp-gcn", key, want); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "table3", "unconditional", "dmp-gcn.json")); err != nil {
		t.Fatalf("entry file: %v", err)
	}
	if ok, err := c.Load("table3/unconditional/dmp-gcn", key, &v); !ok || err != nil || v != want {
		t.Fatalf("Load = %v, %v, %+v; want true, nil, %+v (exact float round trip)", ok, err, v, want)
	}
	other, _ := Key(map[string]any{"preset": "smoke", "seed": 2})
	if ok, err := c.Load("table3/unconditional/dmp-gcn", other, &v); ok || err != nil {
		t.Fatalf("Load with another key = %v, %v; want false, nil (stale entry)", ok, err)
	}
}

func TestCache_Errors(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "../x", "a//b", "/abs", "a/./b", "a b", "trailing/"} {
		t.Run("name "+name, func(t *testing.T) {
			if err := c.Store(name, "k", 1); !errors.Is(err, ErrCache) {
				t.Fatalf("Store(%q) error %v, want ErrCache", name, err)
			}
		})
	}
	t.Run("corrupt entry", func(t *testing.T) {
		p := filepath.Join(c.Dir, "bad.json")
		if err := os.WriteFile(p, []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		var v cacheValue
		ok, err := c.Load("bad", "k", &v)
		if ok || !errors.Is(err, ErrCache) {
			t.Fatalf("Load of a corrupt entry = %v, %v; want false, ErrCache", ok, err)
		}
	})
	t.Run("unmarshalable value", func(t *testing.T) {
		if err := c.Store("x", "k", func() {}); !errors.Is(err, ErrCache) {
			t.Fatalf("Store(func) error %v, want ErrCache", err)
		}
	})
}

func TestKey_StableAndDistinct(t *testing.T) {
	a1, _ := Key(struct{ A, B int }{1, 2})
	a2, _ := Key(struct{ A, B int }{1, 2})
	b, _ := Key(struct{ A, B int }{2, 1})
	if a1 != a2 || a1 == b || len(a1) != 64 {
		t.Fatalf("keys %q %q %q: want equal for equal values, distinct otherwise, 64 hex digits", a1, a2, b)
	}
}

// TestCache_Lock checks that an entry locked by one holder makes a second wait (told who
// holds it) until the first releases it, and that a wait ends with its context.
func TestCache_Lock(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	LockPoll = 10 * time.Millisecond
	l, err := c.Lock(context.Background(), "table1/gat-dmp/seed2", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var told string
	if _, err := c.Lock(ctx, "table1/gat-dmp/seed2", func(h string) { told = h }); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(told, "table1/gat-dmp/seed2") {
		t.Fatalf("second lock: %v, told %q", err, told)
	}
	go func() { time.Sleep(30 * time.Millisecond); _ = l.Release() }()
	l2, err := c.Lock(context.Background(), "table1/gat-dmp/seed2", nil)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = l2.Release()
}
