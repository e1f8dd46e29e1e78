package modelnet40

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ncgn/ncgn/datasets"
)

// URL is the public address of the official ModelNet40 archive (Princeton; about 435 MB
// compressed, 12,311 OFF meshes).
const URL = "http://modelnet.cs.princeton.edu/ModelNet40.zip"

// ArchiveName is the file name Fetch stores the archive under.
const ArchiveName = "ModelNet40.zip"

// FetchOptions configures Fetch.
type FetchOptions struct {
	// Dir receives the archive, its checksum file and the extracted ModelNet40/ folder.
	Dir string
	// URL overrides the address (a mirror); empty means URL.
	URL string
	// SHA256 is the expected hex digest of the archive; empty means compute and record it only
	// (Princeton publishes none).
	SHA256 string
	// NoExtract leaves the archive zipped.
	NoExtract bool
	// Client makes the request; nil means a client with connection and header timeouts (no
	// overall timeout: the archive is large).
	Client *http.Client
	// Progress, if not nil, is called as bytes arrive (stage "download") and as files are
	// extracted (stage "extract"); total is -1 when unknown.
	Progress func(stage string, done, total int64)
}

// FetchResult says what Fetch did.
type FetchResult struct {
	// Archive is the path of the zip, SHA256 its hex digest (also written to Archive+".sha256").
	Archive string `json:"archive"`
	SHA256  string `json:"sha256"`
	Bytes   int64  `json:"bytes"`
	// Downloaded is false when a complete archive was already there; Resumed is the number of
	// bytes of an earlier partial download that were kept.
	Downloaded bool  `json:"downloaded"`
	Resumed    int64 `json:"resumed"`
	// Root is the extracted folder to pass to Load ("" with NoExtract); Files the number of
	// files extracted (0 when an earlier extraction of the same archive was complete).
	Root  string `json:"root,omitempty"`
	Files int    `json:"files"`
}

// Fetch downloads the ModelNet40 archive into opt.Dir and unzips it there.
//
// The download is resumable: bytes go to ArchiveName+".part", and a later call asks the server
// for the rest with an HTTP Range request (a server that ignores it sends everything again, and
// the partial file is replaced). The complete archive is renamed into place, its SHA-256 is
// checked against opt.SHA256 when given and recorded in ArchiveName+".sha256". An archive
// already in place is not downloaded again (but is checked). Extraction writes <Dir>/ModelNet40/
// and a marker holding the archive's digest, so an interrupted extraction is redone and a
// complete one is not.
//
// Errors name the URL or the file: ErrNetwork when the server cannot be reached (no network,
// DNS failure, refused connection), ErrDownload for an HTTP error or a cut-off transfer (run
// again to resume), ErrChecksum, ErrArchive, ErrConfig.
func Fetch(ctx context.Context, opt FetchOptions) (*FetchResult, error) {
	if opt.Dir == "" {
		return nil, fmt.Errorf("modelnet40: fetch: no target folder: %w", ErrConfig)
	}
	if opt.URL == "" {
		opt.URL = URL
	}
	want := strings.ToLower(strings.TrimSpace(opt.SHA256))
	if want != "" {
		if b, err := hex.DecodeString(want); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("modelnet40: fetch: expected SHA-256 %q is not 64 hex digits: %w", opt.SHA256, ErrConfig)
		}
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   30 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
		}}
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("modelnet40: fetch: %w", err)
	}
	res := &FetchResult{Archive: filepath.Join(opt.Dir, ArchiveName)}
	if _, err := os.Stat(res.Archive); errors.Is(err, fs.ErrNotExist) {
		if res.Resumed, err = download(ctx, opt, res.Archive+".part"); err != nil {
			return nil, err
		}
		if err := os.Rename(res.Archive+".part", res.Archive); err != nil {
			return nil, fmt.Errorf("modelnet40: fetch: %w", err)
		}
		res.Downloaded = true
	} else if err != nil {
		return nil, fmt.Errorf("modelnet40: fetch: %w", err)
	}
	sum, size, err := fileSHA256(res.Archive)
	if err != nil {
		return nil, err
	}
	res.SHA256, res.Bytes = sum, size
	if want != "" && sum != want {
		msg := "delete it and run again"
		if res.Downloaded {
			os.Remove(res.Archive) // a corrupt download: the next run starts afresh
			msg = "removed it; run again, or check the expected digest"
		}
		return nil, fmt.Errorf("modelnet40: %s from %s has SHA-256 %s, want %s (%s): %w", res.Archive, opt.URL, sum, want, msg, ErrChecksum)
	}
	if err := datasets.WriteAtomic(res.Archive+".sha256", func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s  %s\n", sum, ArchiveName)
		return err
	}); err != nil {
		return nil, fmt.Errorf("modelnet40: fetch: recording the checksum: %w", err)
	}
	if opt.NoExtract {
		return res, nil
	}
	marker := filepath.Join(opt.Dir, ".ModelNet40.extracted")
	res.Root = filepath.Join(opt.Dir, "ModelNet40")
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == sum {
		return res, nil
	}
	var progress func(done, total int64)
	if opt.Progress != nil {
		progress = func(done, total int64) { opt.Progress("extract", done, total) }
	}
	if res.Files, err = Extract(ctx, res.Archive, opt.Dir, progress); err != nil {
		return nil, err
	}
	if err := datasets.WriteAtomic(marker, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, sum)
		return err
	}); err != nil {
		return nil, fmt.Errorf("modelnet40: fetch: %w", err)
	}
	return res, nil
}

// download fetches opt.URL into part, resuming from part's current size; it returns the number
// of bytes kept from an earlier attempt.
func download(ctx context.Context, opt FetchOptions, part string) (int64, error) {
	var offset int64
	if st, err := os.Stat(part); err == nil {
		offset = st.Size()
	}
	resp, err := get(ctx, opt, offset)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()

	total := int64(-1)
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, size, err := contentRange(resp.Header.Get("Content-Range"))
		if err != nil || start != offset {
			return 0, fmt.Errorf("modelnet40: downloading %s: resuming at byte %d, the server sent range %q: %w",
				opt.URL, offset, resp.Header.Get("Content-Range"), ErrDownload)
		}
		total = size
	case http.StatusOK:
		offset = 0 // a full answer: start again
		if resp.ContentLength >= 0 {
			total = resp.ContentLength
		}
	case http.StatusRequestedRangeNotSatisfiable:
		// The part may already be complete ("bytes */size"); otherwise start again.
		if _, size, err := contentRange(resp.Header.Get("Content-Range")); err == nil && size == offset {
			return offset, nil
		}
		resp.Body.Close()
		if err := os.Remove(part); err != nil {
			return 0, fmt.Errorf("modelnet40: downloading %s: %w", opt.URL, err)
		}
		return download(ctx, opt, part)
	default:
		return 0, fmt.Errorf("modelnet40: downloading %s: the server answered %q: %w", opt.URL, resp.Status, ErrDownload)
	}

	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if offset == 0 {
		flags = os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return 0, fmt.Errorf("modelnet40: downloading %s: %w", opt.URL, err)
	}
	w := &progressWriter{w: f, done: offset, total: total, report: opt.Progress}
	w.tick()
	_, copyErr := io.Copy(w, resp.Body)
	if err := errors.Join(f.Sync(), f.Close()); err != nil && copyErr == nil {
		copyErr = err
	}
	if copyErr != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("modelnet40: downloading %s: stopped after %d bytes (run again to resume): %w", opt.URL, w.done, ctx.Err())
		}
		return 0, fmt.Errorf("modelnet40: downloading %s: interrupted after %d bytes (run again to resume): %v: %w", opt.URL, w.done, copyErr, ErrDownload)
	}
	if total >= 0 && w.done != total {
		return 0, fmt.Errorf("modelnet40: downloading %s: got %d of %d bytes (run again to resume): %w", opt.URL, w.done, total, ErrDownload)
	}
	return offset, nil
}

// get sends the request, with a Range header when resuming.
func get(ctx context.Context, opt FetchOptions, offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opt.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("modelnet40: download address %q: %v: %w", opt.URL, err, ErrConfig)
	}
	if offset > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := opt.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("modelnet40: downloading %s: %w", opt.URL, ctx.Err())
		}
		return nil, fmt.Errorf("modelnet40: cannot reach %s: the network is unreachable or the server is down (%v); "+
			"download the archive elsewhere and pass its unzipped folder with --root: %w", opt.URL, err, ErrNetwork)
	}
	return resp, nil
}

// contentRange parses "bytes start-end/size" or "bytes */size" (start is -1 then).
func contentRange(h string) (start, size int64, err error) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	rng, sz, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return 0, 0, fmt.Errorf("content range %q", h)
	}
	if size, err = strconv.ParseInt(sz, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("content range %q", h)
	}
	if rng == "*" {
		return -1, size, nil
	}
	from, _, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, fmt.Errorf("content range %q", h)
	}
	if start, err = strconv.ParseInt(from, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("content range %q", h)
	}
	return start, size, nil
}

// progressWriter counts the bytes written and reports them.
type progressWriter struct {
	w           io.Writer
	done, total int64
	report      func(stage string, done, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	p.tick()
	return n, err
}

func (p *progressWriter) tick() {
	if p.report != nil {
		p.report("download", p.done, p.total)
	}
}

// fileSHA256 returns the hex SHA-256 and the size of a file.
func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("modelnet40: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("modelnet40: hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
