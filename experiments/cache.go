package experiments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ncgn/ncgn/internal/atomicfile"
	"github.com/ncgn/ncgn/internal/runlock"
)

// Cache keeps what a run computed (cells, trained models) in a folder, so that a re-run, or a
// run interrupted and started again, reuses it. Every entry is stored with a key: the hash of
// everything that determines its value (Key of the cell's settings, seeds and code version).
// An entry whose key differs from the one asked for is stale and is not returned, so a change
// of preset, seed or settings recomputes exactly the cells it affects. Writes are atomic.
//
// Layout: DIR/NAME.json for an entry called NAME ("table3/unconditional/dmp-gcn" is
// DIR/table3/unconditional/dmp-gcn.json); Path gives companion files (e.g. model weights).
type Cache struct {
	Dir string
}

// entry is the file format of one cache entry.
type entry struct {
	Name    string          `json:"name"`
	Key     string          `json:"key"`
	Created string          `json:"created"`
	Value   json.RawMessage `json:"value"`
}

// OpenCache returns the cache in dir, creating the folder if needed.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("experiments: cache folder %s: %v: %w", dir, err, ErrCache)
	}
	return &Cache{Dir: dir}, nil
}

// Key returns the hex SHA-256 of the JSON encoding of v: the identity of what an entry holds.
func Key(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("experiments: cache key: %v: %w", err, ErrCache)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}

// checkName rejects entry names that could leave the cache folder or are not portable.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") {
		return fmt.Errorf("experiments: cache entry name %q: %w", name, ErrCache)
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("experiments: cache entry name %q: %w", name, ErrCache)
		}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)) {
			return fmt.Errorf("experiments: cache entry name %q has character %q: %w", name, r, ErrCache)
		}
	}
	return nil
}

// Path returns the path of a companion file of entry name with the given extension
// (e.g. ".params"), creating its folder.
func (c *Cache) Path(name, ext string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	p := filepath.Join(c.Dir, filepath.FromSlash(name)) + ext
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("experiments: cache folder for %s: %v: %w", name, err, ErrCache)
	}
	return p, nil
}

// Load reads entry name into v and reports true if it exists with the given key. A missing
// or stale entry gives false and no error; an unreadable or malformed one gives false and an
// error naming the file (the caller may log it and recompute: Store replaces it).
func (c *Cache) Load(name, key string, v any) (bool, error) {
	p, err := c.Path(name, ".json")
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("experiments: cache entry %s: %v: %w", p, err, ErrCache)
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return false, fmt.Errorf("experiments: cache entry %s: %v: %w", p, err, ErrCache)
	}
	if e.Key != key || e.Name != name {
		return false, nil
	}
	if err := json.Unmarshal(e.Value, v); err != nil {
		return false, fmt.Errorf("experiments: cache entry %s value: %v: %w", p, err, ErrCache)
	}
	return true, nil
}

// LockPoll is how often Lock tries again a lock held by another process.
var LockPoll = time.Second

// Lock takes the lock of entry name (NAME.lock beside it) for this process, so that two runs
// sharing a cache (shards of one run, or two runs started by hand) never compute the same
// entry at once. A lock held by another process is waited for, polling every LockPoll, until
// it is free or ctx ends; waiting, if not nil, is called once with the holder's description.
// The caller must look in the cache again once it holds the lock (the other process may have
// stored the entry) and Release the lock when the entry is stored.
func (c *Cache) Lock(ctx context.Context, name string, waiting func(holder string)) (*runlock.Lock, error) {
	p, err := c.Path(name, ".lock")
	if err != nil {
		return nil, err
	}
	told := false
	for {
		l, err := runlock.Acquire(p, "cache entry "+name)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, runlock.ErrBusy) {
			return nil, fmt.Errorf("experiments: %w", err)
		}
		if !told && waiting != nil {
			waiting(err.Error())
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("experiments: waiting for cache entry %s: %w", name, ctx.Err())
		case <-time.After(LockPoll):
		}
	}
}

// Store writes v as entry name with the given key, atomically.
func (c *Cache) Store(name, key string, v any) error {
	p, err := c.Path(name, ".json")
	if err != nil {
		return err
	}
	val, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("experiments: cache entry %s: %v: %w", name, err, ErrCache)
	}
	e := entry{Name: name, Key: key, Created: time.Now().UTC().Format(time.RFC3339), Value: val}
	err = atomicfile.Write(p, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	})
	if err != nil {
		return fmt.Errorf("experiments: cache entry %s: %v: %w", p, err, ErrCache)
	}
	return nil
}
