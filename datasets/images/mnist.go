package images

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MNIST splits.
const (
	Train = "train"
	Test  = "test"
)

// mnistFiles are the IDX files of each split (gzip-compressed, as published).
var mnistFiles = map[string][2]string{
	Train: {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
	Test:  {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
}

// ReadMNIST reads a split of MNIST from dir (the original IDX files, gzip-compressed or not)
// and returns it padded to 32 × 32 with the background value, scaled to [−1, 1] (pixel/127.5
// − 1) as the paper's DiT inputs are centred, labels 0-9.
func ReadMNIST(dir, split string) (*Set, error) {
	names, ok := mnistFiles[split]
	if !ok {
		return nil, fmt.Errorf("images: MNIST split %q (want %q or %q): %w", split, Train, Test, ErrConfig)
	}
	pix, rows, cols, err := readIDX(dir, names[0], 3)
	if err != nil {
		return nil, err
	}
	lab, _, _, err := readIDX(dir, names[1], 1)
	if err != nil {
		return nil, err
	}
	n := len(lab)
	if rows != 28 || cols != 28 || len(pix) != n*rows*cols {
		return nil, fmt.Errorf("images: MNIST %s: %d labels and %d pixels of %d × %d images: %w", split, n, len(pix), rows, cols, ErrFormat)
	}
	s := &Set{Channels: 1, Size: 28, Data: make([]float64, len(pix)), Labels: make([]int, n), Classes: 10,
		ClassNames: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	for i, p := range pix {
		s.Data[i] = float64(p)/127.5 - 1
	}
	for i, l := range lab {
		if l > 9 {
			return nil, fmt.Errorf("images: MNIST %s: image %d has label %d: %w", split, i, l, ErrFormat)
		}
		s.Labels[i] = int(l)
	}
	s = s.Pad(2, -1)
	s.Source = fmt.Sprintf("MNIST %s split from %s (%d images, 28 × 28 padded to 32 × 32, scaled to [-1, 1])", split, dir, n)
	return s, s.Validate()
}

// readIDX reads an IDX file of unsigned bytes with dims dimensions from dir/name (or the same
// name without .gz): the values and, for 3 dimensions, the rows and columns.
func readIDX(dir, name string, dims int) (vals []byte, rows, cols int, err error) {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(name, ".gz") {
		path = filepath.Join(dir, strings.TrimSuffix(name, ".gz"))
		f, err = os.Open(path)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, 0, fmt.Errorf("images: MNIST file %s (or without .gz) not found in %s: %w", name, dir, ErrNotFound)
		}
		return nil, 0, 0, fmt.Errorf("images: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("images: %s: not gzip: %v: %w", path, err, ErrFormat)
		}
		defer gz.Close()
		r = gz
	}
	return decodeIDX(r, dims, path)
}

// maxIDX bounds the values an IDX header may declare (MNIST's training images: 47 million).
const maxIDX = 1 << 28

// decodeIDX reads an IDX stream of unsigned bytes with dims dimensions; name labels errors.
func decodeIDX(r io.Reader, dims int, name string) (vals []byte, rows, cols int, err error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, 0, 0, fmt.Errorf("images: %s: no IDX header: %v: %w", name, err, ErrFormat)
	}
	if head[0] != 0 || head[1] != 0 || head[2] != 0x08 || int(head[3]) != dims {
		return nil, 0, 0, fmt.Errorf("images: %s: IDX magic % x, want 00 00 08 %02x (unsigned bytes, %d dimensions): %w", name, head, dims, dims, ErrFormat)
	}
	shape := make([]uint32, dims)
	if err := binary.Read(r, binary.BigEndian, shape); err != nil {
		return nil, 0, 0, fmt.Errorf("images: %s: IDX dimensions: %v: %w", name, err, ErrFormat)
	}
	total := 1
	for _, d := range shape {
		if d == 0 || total > maxIDX/int(d) {
			return nil, 0, 0, fmt.Errorf("images: %s: IDX dimensions %v (empty or more than %d values): %w", name, shape, maxIDX, ErrFormat)
		}
		total *= int(d)
	}
	vals = make([]byte, total)
	if _, err := io.ReadFull(r, vals); err != nil {
		return nil, 0, 0, fmt.Errorf("images: %s: %d values declared, the file ends before (%v): %w", name, total, err, ErrFormat)
	}
	if dims == 3 {
		rows, cols = int(shape[1]), int(shape[2])
	}
	return vals, rows, cols, nil
}
