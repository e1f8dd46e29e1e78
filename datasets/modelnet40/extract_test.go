package modelnet40

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeZip(t *testing.T, path string, entries map[string]fs.FileMode) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, mode := range entries {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("content"))
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExtract_Refuses(t *testing.T) {
	cases := []struct {
		name    string
		entries map[string]fs.FileMode
		msg     string
	}{
		{"parent folder", map[string]fs.FileMode{"../evil.off": 0o644}, `"../evil.off" would be written outside`},
		{"nested parent", map[string]fs.FileMode{"a/../../evil.off": 0o644}, "would be written outside"},
		{"absolute", map[string]fs.FileMode{"/tmp/evil.off": 0o644}, "would be written outside"},
		{"backslash", map[string]fs.FileMode{`..\evil.off`: 0o644}, "would be written outside"},
		{"symbolic link", map[string]fs.FileMode{"link": fs.ModeSymlink | 0o777}, "is not a regular file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			z := filepath.Join(dir, "a.zip")
			writeZip(t, z, tc.entries)
			out := filepath.Join(dir, "out")
			_, err := Extract(context.Background(), z, out, nil)
			if !errors.Is(err, ErrArchive) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want ErrArchive containing %q", err, tc.msg)
			}
			if _, err := os.Stat(filepath.Join(dir, "evil.off")); err == nil {
				t.Error("a file was written outside the target")
			}
		})
	}
	t.Run("not a zip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.zip")
		os.WriteFile(p, []byte("plain text"), 0o644)
		if _, err := Extract(context.Background(), p, t.TempDir(), nil); !errors.Is(err, ErrArchive) {
			t.Errorf("error %v, want ErrArchive", err)
		}
	})
}
