package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteJSON_AndCheckWritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := CheckWritable(dir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("CheckWritable left %d files", len(entries))
	}
	path := filepath.Join(dir, "x.json")
	if err := WriteJSON(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{\n  \"a\": 1\n}\n" {
		t.Fatalf("wrote %q", b)
	}
	if err := WriteJSON(path, func() {}); err == nil {
		t.Fatal("a func encoded")
	}
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, nil, 0o644)
	if err := CheckWritable(filepath.Join(file, "sub")); err == nil {
		t.Fatal("a folder under a file is writable")
	}
}
