package modelnet40

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testArchive returns a small ModelNet40-like zip: two classes, OFF prisms in both splits, plus
// macOS debris that Extract must skip.
func testArchive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, text string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	zw.Create("ModelNet40/")
	for _, c := range []string{"cone", "stool"} {
		for _, s := range []string{Train, Test} {
			for j, m := range []int{6, 12} {
				add(fmt.Sprintf("ModelNet40/%s/%s/%s_%04d.off", c, s, c, j+1), ringOFF(m, 1))
			}
		}
	}
	add("__MACOSX/ModelNet40/._cone", "debris")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rangeServer serves body at /ModelNet40.zip with Range support (http.ServeContent) and records
// the Range headers it receives. With ignoreRange it always answers 200 with everything.
type rangeServer struct {
	body        []byte
	ignoreRange bool
	mu          sync.Mutex
	ranges      []string
}

func (s *rangeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.mu.Unlock()
	if s.ignoreRange {
		r.Header.Del("Range")
	}
	http.ServeContent(w, r, "ModelNet40.zip", time.Unix(0, 0), bytes.NewReader(s.body))
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestFetch_Unreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/ModelNet40.zip"
	srv.Close() // nothing listens there any more
	dir := t.TempDir()
	_, err := Fetch(context.Background(), FetchOptions{Dir: dir, URL: url})
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("error %v, want ErrNetwork", err)
	}
	for _, want := range []string{url, "network is unreachable", "--root"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ArchiveName)); err == nil {
		t.Error("an archive was left behind")
	}
}

func TestFetch_ResumeAndExtract(t *testing.T) {
	body := testArchive(t)
	srv := &rangeServer{body: body}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	half := int64(len(body) / 2)
	if err := os.WriteFile(filepath.Join(dir, ArchiveName+".part"), body[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	var stages []string
	var lastDone, lastTotal int64
	res, err := Fetch(context.Background(), FetchOptions{Dir: dir, URL: ts.URL + "/ModelNet40.zip", SHA256: sha(body),
		Progress: func(stage string, done, total int64) {
			if len(stages) == 0 || stages[len(stages)-1] != stage {
				stages = append(stages, stage)
			}
			if stage == "download" {
				lastDone, lastTotal = done, total
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(srv.ranges) != 1 || srv.ranges[0] != fmt.Sprintf("bytes=%d-", half) {
		t.Errorf("range requests %q, want one for bytes=%d-", srv.ranges, half)
	}
	if !res.Downloaded || res.Resumed != half || res.Bytes != int64(len(body)) || res.SHA256 != sha(body) {
		t.Errorf("result %+v", res)
	}
	if lastDone != int64(len(body)) || lastTotal != int64(len(body)) || strings.Join(stages, ",") != "download,extract" {
		t.Errorf("progress: stages %v, last download %d/%d", stages, lastDone, lastTotal)
	}
	got, _ := os.ReadFile(res.Archive)
	if !bytes.Equal(got, body) {
		t.Fatal("the resumed archive differs from the served one")
	}
	if _, err := os.Stat(res.Archive + ".part"); err == nil {
		t.Error("the .part file is still there")
	}
	rec, _ := os.ReadFile(res.Archive + ".sha256")
	if string(rec) != sha(body)+"  ModelNet40.zip\n" {
		t.Errorf("checksum file %q", rec)
	}
	if res.Files != 8 || res.Root != filepath.Join(dir, "ModelNet40") {
		t.Errorf("extracted %d files to %s, want 8 to ModelNet40", res.Files, res.Root)
	}
	if _, err := os.Stat(filepath.Join(dir, "__MACOSX")); err == nil {
		t.Error("macOS debris extracted")
	}
	// The extracted folder loads, from the root or from the folder above it.
	s, err := Load(context.Background(), dir, Config{Split: Test, Points: 20}, nil) // prisms of 12 and 24 vertices
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clouds) != 2 || s.Counts.TooFewPoints != 2 || s.Layout != LayoutOFF {
		t.Errorf("loaded %d clouds, counts %+v", len(s.Clouds), s.Counts)
	}

	t.Run("again: nothing downloaded or extracted", func(t *testing.T) {
		res, err := Fetch(context.Background(), FetchOptions{Dir: dir, URL: ts.URL + "/ModelNet40.zip"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Downloaded || res.Files != 0 || len(srv.ranges) != 1 || res.SHA256 != sha(body) {
			t.Errorf("second fetch: %+v, %d requests", res, len(srv.ranges))
		}
	})
	t.Run("existing archive with another checksum", func(t *testing.T) {
		_, err := Fetch(context.Background(), FetchOptions{Dir: dir, SHA256: strings.Repeat("0", 64)})
		if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "delete it") {
			t.Errorf("error %v, want ErrChecksum", err)
		}
		if _, err := os.Stat(res.Archive); err != nil {
			t.Error("a user's archive was removed")
		}
	})
}

func TestFetch_ServerIgnoresRange(t *testing.T) {
	body := testArchive(t)
	srv := &rangeServer{body: body, ignoreRange: true}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ArchiveName+".part"), []byte("stale bytes of another file"), 0o644)
	res, err := Fetch(context.Background(), FetchOptions{Dir: dir, URL: ts.URL + "/ModelNet40.zip", NoExtract: true})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(res.Archive)
	if !bytes.Equal(got, body) || res.Resumed != 0 || res.Root != "" {
		t.Errorf("archive of %d bytes (want %d), resumed %d, root %q", len(got), len(body), res.Resumed, res.Root)
	}
}

func TestFetch_CompletePart(t *testing.T) {
	// A .part that already holds everything: the server answers 416 "bytes */size".
	body := testArchive(t)
	ts := httptest.NewServer(&rangeServer{body: body})
	defer ts.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ArchiveName+".part"), body, 0o644)
	res, err := Fetch(context.Background(), FetchOptions{Dir: dir, URL: ts.URL + "/x.zip", NoExtract: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != int64(len(body)) || res.SHA256 != sha(body) {
		t.Errorf("result %+v", res)
	}
}

func TestFetch_Interrupted(t *testing.T) {
	body := testArchive(t)
	cut := len(body) / 3
	// The first answer promises everything and stops after a third; later ones serve properly.
	var mu sync.Mutex
	first := true
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := first
		first = false
		mu.Unlock()
		if f {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:cut])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // drop the connection
		}
		http.ServeContent(w, r, "m.zip", time.Unix(0, 0), bytes.NewReader(body))
	}))
	defer ts.Close()
	dir := t.TempDir()
	opt := FetchOptions{Dir: dir, URL: ts.URL + "/ModelNet40.zip", NoExtract: true}
	_, err := Fetch(context.Background(), opt)
	if !errors.Is(err, ErrDownload) || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("error %v, want ErrDownload saying how to resume", err)
	}
	st, err := os.Stat(filepath.Join(dir, ArchiveName+".part"))
	if err != nil || st.Size() != int64(cut) {
		t.Fatalf("partial file: %v, want %d bytes", err, cut)
	}
	res, err := Fetch(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != int64(cut) || res.SHA256 != sha(body) {
		t.Errorf("resumed %d bytes (want %d), digest ok %v", res.Resumed, cut, res.SHA256 == sha(body))
	}
}

func TestFetch_Errors(t *testing.T) {
	body := testArchive(t)
	ts := httptest.NewServer(&rangeServer{body: body})
	defer ts.Close()
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	cases := []struct {
		name string
		opt  FetchOptions
		want error
		msg  string
	}{
		{"no folder", FetchOptions{URL: ts.URL}, ErrConfig, "no target folder"},
		{"bad digest", FetchOptions{URL: ts.URL, SHA256: "abc"}, ErrConfig, `"abc" is not 64 hex digits`},
		{"not found", FetchOptions{URL: missing.URL + "/ModelNet40.zip"}, ErrDownload, `answered "404 Not Found"`},
		{"wrong digest", FetchOptions{URL: ts.URL, SHA256: strings.Repeat("ab", 32)}, ErrChecksum, "removed it"},
		{"bad address", FetchOptions{URL: "http://[::1"}, ErrConfig, "download address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name != "no folder" {
				tc.opt.Dir = t.TempDir()
			}
			_, err := Fetch(context.Background(), tc.opt)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %v containing %q", err, tc.want, tc.msg)
			}
			if tc.name == "wrong digest" {
				if _, err := os.Stat(filepath.Join(tc.opt.Dir, ArchiveName)); err == nil {
					t.Error("the corrupt download was kept")
				}
			}
		})
	}
}

func TestContentRange(t *testing.T) {
	cases := []struct {
		in          string
		start, size int64
		ok          bool
	}{
		{"bytes 100-199/200", 100, 200, true},
		{"bytes */200", -1, 200, true},
		{"bytes 1-2", 0, 0, false},
		{"items 1-2/3", 0, 0, false},
		{"bytes x-2/3", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tc := range cases {
		start, size, err := contentRange(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (start != tc.start || size != tc.size)) {
			t.Errorf("contentRange(%q) = %d, %d, %v", tc.in, start, size, err)
		}
	}
}
