package geometricshapes

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ncgn/ncgn/datasets"
)

// SHA256 is the digest of raw.zip as PyTorch Geometric downloads it (and as
// ../shared/data/geometric-shapes/raw.zip holds it).
const SHA256 = "fb5e5d132db7f871b415b6d9cb6e0fd258192ccb1aa64a172839146527c082dd"

// NumClasses is the number of shapes in the archive.
const NumClasses = 40

// Split names.
const (
	Train = "train"
	Test  = "test"
)

// maxArchive and maxEntry bound what a corrupt or hostile archive can make ReadZip read.
const (
	maxArchive = 1 << 30
	maxEntry   = 64 << 20
)

// Shape is one mesh of the archive.
type Shape struct {
	Class string
	Split string
	// Entry is the mesh's name inside the archive, e.g. "raw/3d_cube/train/3d_cube.off".
	Entry string
	Mesh  *datasets.Mesh
}

// ReadZip reads every mesh of raw.zip, both splits, ordered by class then split (test before
// train). Unless skipChecksum is set, the archive's SHA-256 must equal SHA256. Errors name the
// archive (and the entry): ErrNotFound, ErrChecksum, datasets.ErrFormat.
func ReadZip(zipPath string, skipChecksum bool) ([]Shape, error) {
	f, err := os.Open(zipPath)
	if err != nil {
		return nil, fmt.Errorf("geometricshapes: %w: %w", err, ErrNotFound)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxArchive+1))
	if err != nil {
		return nil, fmt.Errorf("geometricshapes: reading %s: %w", zipPath, err)
	}
	if len(data) > maxArchive {
		return nil, fmt.Errorf("geometricshapes: %s is larger than %d bytes, not the GeometricShapes archive: %w", zipPath, maxArchive, datasets.ErrFormat)
	}
	return DecodeZip(data, zipPath, skipChecksum)
}

// DecodeZip reads the meshes of a raw.zip held in memory; name labels errors. See ReadZip.
func DecodeZip(data []byte, name string, skipChecksum bool) ([]Shape, error) {
	if !skipChecksum {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != SHA256 {
			return nil, fmt.Errorf("geometricshapes: %s has SHA-256 %s, want %s (PyG's raw.zip; skip the check for another copy): %w",
				name, got, SHA256, ErrChecksum)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("geometricshapes: %s is not a zip archive: %v: %w", name, err, datasets.ErrFormat)
	}
	seen := map[[2]string]string{}
	var shapes []Shape
	for _, f := range zr.File {
		parts := strings.Split(strings.TrimSuffix(f.Name, "/"), "/")
		n := len(parts)
		if f.FileInfo().IsDir() || n < 3 || !strings.EqualFold(path.Ext(parts[n-1]), ".off") ||
			(parts[n-2] != Train && parts[n-2] != Test) || strings.HasPrefix(f.Name, "__MACOSX") {
			continue
		}
		class, split := parts[n-3], parts[n-2]
		if prev, dup := seen[[2]string{class, split}]; dup {
			return nil, fmt.Errorf("geometricshapes: %s: two meshes for class %s, split %s (%s and %s): %w", name, class, split, prev, f.Name, datasets.ErrFormat)
		}
		seen[[2]string{class, split}] = f.Name
		if f.UncompressedSize64 > maxEntry {
			return nil, fmt.Errorf("geometricshapes: %s: %s unpacks to %d bytes, more than %d: %w", name, f.Name, f.UncompressedSize64, maxEntry, datasets.ErrFormat)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("geometricshapes: %s: %s: %v: %w", name, f.Name, err, datasets.ErrFormat)
		}
		m, err := datasets.DecodeOFF(io.LimitReader(rc, maxEntry), name+":"+f.Name)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("geometricshapes: %w", err)
		}
		shapes = append(shapes, Shape{Class: class, Split: split, Entry: f.Name, Mesh: m})
	}
	if len(shapes) == 0 {
		return nil, fmt.Errorf("geometricshapes: %s holds no <class>/{train,test}/<name>.off meshes: %w", name, datasets.ErrFormat)
	}
	sort.Slice(shapes, func(i, j int) bool {
		if shapes[i].Class != shapes[j].Class {
			return shapes[i].Class < shapes[j].Class
		}
		return shapes[i].Split < shapes[j].Split
	})
	return shapes, nil
}

// Classes returns the sorted, distinct classes of shapes.
func Classes(shapes []Shape) []string {
	cs := make([]string, 0, len(shapes))
	for _, s := range shapes {
		cs = append(cs, s.Class)
	}
	slices.Sort(cs)
	return slices.Compact(cs)
}
