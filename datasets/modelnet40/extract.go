package modelnet40

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxEntrySize is the largest uncompressed file Extract writes (a guard against zip bombs; the
// largest ModelNet40 mesh is a few tens of MB).
const MaxEntrySize = 1 << 30

// Extract unzips the archive at zipPath into dir and returns the number of files written.
// Entries whose names would leave dir (absolute, "..") and entries that are neither files nor
// folders (symbolic links) are refused with ErrArchive; macOS debris ("__MACOSX/", "._*") is
// skipped. progress, if not nil, is called with the entries handled so far and their total.
func Extract(ctx context.Context, zipPath, dir string, progress func(done, total int64)) (int, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return 0, fmt.Errorf("modelnet40: opening %s: %v: %w", zipPath, err, ErrArchive)
	}
	defer zr.Close()
	files := 0
	for i, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return files, fmt.Errorf("modelnet40: extracting %s: %w", zipPath, err)
		}
		if progress != nil {
			progress(int64(i), int64(len(zr.File)))
		}
		name := strings.TrimSuffix(f.Name, "/")
		if name == "" || strings.HasPrefix(name, "__MACOSX") || strings.HasPrefix(path.Base(name), "._") {
			continue
		}
		if err := checkEntryName(name); err != nil {
			return files, fmt.Errorf("modelnet40: %s: entry %q: %v: %w", zipPath, f.Name, err, ErrArchive)
		}
		local := filepath.FromSlash(name)
		if !filepath.IsLocal(local) || strings.Contains(name, `\`) {
			return files, fmt.Errorf("modelnet40: %s: entry %q would be written outside %s: %w", zipPath, f.Name, dir, ErrArchive)
		}
		target := filepath.Join(dir, local)
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return files, fmt.Errorf("modelnet40: extracting %s: %w", zipPath, err)
			}
			continue
		case !mode.IsRegular():
			return files, fmt.Errorf("modelnet40: %s: entry %q is not a regular file (mode %v): %w", zipPath, f.Name, mode, ErrArchive)
		case f.UncompressedSize64 > MaxEntrySize:
			return files, fmt.Errorf("modelnet40: %s: entry %q unpacks to %d bytes, more than %d: %w", zipPath, f.Name, f.UncompressedSize64, MaxEntrySize, ErrArchive)
		}
		if err := extractFile(f, target); err != nil {
			return files, fmt.Errorf("modelnet40: extracting %q from %s: %w", f.Name, zipPath, err)
		}
		files++
	}
	if progress != nil {
		progress(int64(len(zr.File)), int64(len(zr.File)))
	}
	return files, nil
}

// maxNameComponent is the longest file or folder name Extract writes (most file systems' limit).
const maxNameComponent = 255

// checkEntryName refuses entry names that no file system should be asked to create: control
// characters (NUL among them) and components longer than maxNameComponent bytes.
func checkEntryName(name string) error {
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("control character %q in the name", r)
		}
	}
	for _, part := range strings.Split(name, "/") {
		if len(part) > maxNameComponent {
			return fmt.Errorf("a name component of %d bytes (at most %d)", len(part), maxNameComponent)
		}
	}
	return nil
}

// extractFile writes one zip entry to target, checking that it holds the size it declares.
func extractFile(f *zip.File, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%v: %w", err, ErrArchive)
	}
	defer rc.Close()
	out, err := os.Create(target)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err := errors.Join(err, out.Close()); err != nil {
		return fmt.Errorf("%v: %w", err, ErrArchive)
	}
	if uint64(n) != f.UncompressedSize64 {
		return fmt.Errorf("holds %d bytes, declares %d: %w", n, f.UncompressedSize64, ErrArchive)
	}
	return nil
}
