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

// FuzzExtract checks that no archive makes Extract panic or write outside its folder, and that
// every error on a readable archive wraps ErrArchive. Run with:
// go test -run '^$' -fuzz FuzzExtract -fuzztime 1m ./datasets/modelnet40/
func FuzzExtract(f *testing.F) {
	for _, entries := range [][][2]string{
		{{"ModelNet40/chair/train/chair_0001.off", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n"}},
		{{"../evil.off", "x"}},
		{{"ModelNet40/", ""}, {"__MACOSX/._a", "junk"}, {"a/b.off", "OFF\n0 0 0\n"}},
	} {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, e := range entries {
			w, err := zw.Create(e[0])
			if err != nil {
				f.Fatal(err)
			}
			w.Write([]byte(e[1]))
		}
		if err := zw.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmp := t.TempDir()
		zipPath := filepath.Join(tmp, "in.zip")
		if err := os.WriteFile(zipPath, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(tmp, "out")
		_, err := Extract(context.Background(), zipPath, out, nil)
		if err != nil && !errors.Is(err, ErrArchive) && !errors.Is(err, fs.ErrExist) && !errors.Is(err, fs.ErrInvalid) && !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("error %v does not wrap ErrArchive", err)
		}
		entries, rerr := os.ReadDir(tmp)
		if rerr != nil {
			t.Fatal(rerr)
		}
		for _, e := range entries {
			if e.Name() != "in.zip" && e.Name() != "out" {
				t.Fatalf("Extract wrote %s outside its folder", e.Name())
			}
		}
	})
}
