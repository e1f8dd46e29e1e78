package datasets

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio"
	"github.com/ncgn/ncgn/internal/atomicfile"
)

// ErrFormat reports a file whose content is not what ncgn expects (dtype, shape, values).
var ErrFormat = errors.New("bad format")

// Array is a dense n-dimensional array of float64 in C (row-major) order, as read from or
// written to a NumPy .npy file. Len(Data) equals the product of Shape.
type Array struct {
	Shape []int
	Data  []float64
}

// Size returns the number of elements the shape holds.
func (a *Array) Size() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Validate checks that the shape is non-negative, matches the data, and that every value is
// finite; name says where the array came from in the error.
func (a *Array) Validate(name string) error {
	for _, d := range a.Shape {
		if d < 0 {
			return fmt.Errorf("datasets: %s: negative dimension in shape %v: %w", name, a.Shape, ErrFormat)
		}
	}
	if a.Size() != len(a.Data) {
		return fmt.Errorf("datasets: %s: shape %v holds %d values, have %d: %w", name, a.Shape, a.Size(), len(a.Data), ErrFormat)
	}
	for i, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("datasets: %s: value %v at flat index %d (position %v): %w", name, v, i, unravel(i, a.Shape), ErrFormat)
		}
	}
	return nil
}

// unravel turns a flat C-order index into a multi-index.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] > 0 {
			idx[k] = i % shape[k]
			i /= shape[k]
		}
	}
	return idx
}

// MaxNpyElements is the most elements a .npy file may declare (8 GiB as float64): a header
// asking for more is refused before anything is allocated.
const MaxNpyElements = 1 << 30

// ReadNpy reads a .npy file of float32 or float64 values in C order into an Array. Errors name
// the file and what is wrong (unreadable, not .npy, other dtype, Fortran order, a shape that
// the file's bytes do not hold, NaN or Inf).
func ReadNpy(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return DecodeNpy(f, st.Size(), path)
}

// npyDataOffset returns the offset of the data of a .npy stream from its first 12 bytes
// (magic, version, header length), without consuming them.
func npyDataOffset(br *bufio.Reader, name string) (int64, error) {
	head, err := br.Peek(12)
	if err != nil && len(head) < 10 {
		return 0, fmt.Errorf("datasets: %s: not a .npy file (%d bytes): %w", name, len(head), ErrFormat)
	}
	if string(head[:6]) != "\x93NUMPY" {
		return 0, fmt.Errorf("datasets: %s: not a .npy file (no \\x93NUMPY magic): %w", name, ErrFormat)
	}
	switch head[6] {
	case 1:
		return 10 + int64(binary.LittleEndian.Uint16(head[8:10])), nil
	case 2, 3:
		if len(head) < 12 {
			return 0, fmt.Errorf("datasets: %s: truncated .npy header: %w", name, ErrFormat)
		}
		return 12 + int64(binary.LittleEndian.Uint32(head[8:12])), nil
	}
	return 0, fmt.Errorf("datasets: %s: .npy format version %d.%d not supported: %w", name, head[6], head[7], ErrFormat)
}

// DecodeNpy reads one .npy array from r, which holds size bytes in all (the header included;
// -1 when unknown); name labels errors. The declared shape is checked before anything is
// allocated: at most MaxNpyElements elements, and exactly the data bytes the input holds
// when size is known.
func DecodeNpy(r io.Reader, size int64, name string) (a *Array, err error) {
	defer func() { // npyio may panic on corrupt headers; turn that into an error
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("datasets: %s: not a readable .npy file (%v): %w", name, p, ErrFormat)
		}
	}()
	br := bufio.NewReader(r)
	offset, err := npyDataOffset(br, name)
	if err != nil {
		return nil, err
	}
	if size >= 0 && offset > size {
		return nil, fmt.Errorf("datasets: %s: header of %d bytes in a file of %d: %w", name, offset, size, ErrFormat)
	}
	rd, err := npyio.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: not a .npy file: %v: %w", name, err, ErrFormat)
	}
	h := rd.Header.Descr
	if h.Fortran {
		return nil, fmt.Errorf("datasets: %s: Fortran-order arrays are not supported (save with C order): %w", name, ErrFormat)
	}
	shape := append([]int(nil), h.Shape...)
	elems := int64(1)
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("datasets: %s: negative dimension in shape %v: %w", name, shape, ErrFormat)
		}
		if d > 0 && elems > MaxNpyElements/int64(d) {
			return nil, fmt.Errorf("datasets: %s: shape %v declares more than %d elements: %w", name, shape, MaxNpyElements, ErrFormat)
		}
		elems *= int64(d)
	}
	var item int64
	dtype := strings.Trim(h.Type, "'\" ")
	kind := dtype
	switch dtype {
	case "<f4", "|f4", "f4", "float32":
		item, kind = 4, "float32"
	case "<f8", "|f8", "f8", "float64":
		item, kind = 8, "float64"
	case "<i8", "i8", "int64":
		item, kind = 8, "int64"
	case "<i4", "i4", "int32":
		item, kind = 4, "int32"
	case "|u1", "u1", "uint8":
		item, kind = 1, "uint8"
	default:
		return nil, fmt.Errorf("datasets: %s: dtype %q not supported (want little-endian float32, float64, int32, int64 or uint8): %w", name, h.Type, ErrFormat)
	}
	if size >= 0 && size-offset != elems*item {
		return nil, fmt.Errorf("datasets: %s: shape %v of %s needs %d data bytes, the file holds %d: %w", name, shape, dtype, elems*item, size-offset, ErrFormat)
	}
	a = &Array{Shape: shape}
	readErr := func(err error) error {
		return fmt.Errorf("datasets: %s: reading %s data: %v: %w", name, kind, err, ErrFormat)
	}
	switch kind {
	case "float32":
		var v []float32
		if err := rd.Read(&v); err != nil {
			return nil, readErr(err)
		}
		a.Data = widen(v)
	case "float64":
		var v []float64
		if err := rd.Read(&v); err != nil {
			return nil, readErr(err)
		}
		a.Data = v
	case "int64":
		var v []int64
		if err := rd.Read(&v); err != nil {
			return nil, readErr(err)
		}
		a.Data = widen(v)
	case "int32":
		var v []int32
		if err := rd.Read(&v); err != nil {
			return nil, readErr(err)
		}
		a.Data = widen(v)
	default: // uint8
		var v []uint8
		if err := rd.Read(&v); err != nil {
			return nil, readErr(err)
		}
		a.Data = widen(v)
	}
	if len(a.Shape) == 0 { // a scalar
		a.Shape = nil
	}
	if err := a.Validate(name); err != nil {
		return nil, err
	}
	return a, nil
}

// widen converts numbers read from a file to float64.
func widen[T float32 | int64 | int32 | uint8](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// WriteNpy writes a as a little-endian .npy file of the given element type ("float32" or
// "float64"), atomically: to a temporary file in the same folder, then renamed over path.
func WriteNpy(path string, a *Array, dtype string) error {
	if a.Size() != len(a.Data) {
		return fmt.Errorf("datasets: writing %s: shape %v holds %d values, have %d: %w", path, a.Shape, a.Size(), len(a.Data), ErrFormat)
	}
	return WriteAtomic(path, func(w io.Writer) error { return EncodeNpy(w, a, dtype) })
}

// EncodeNpy writes a in .npy version 1.0 format with the given element type.
func EncodeNpy(w io.Writer, a *Array, dtype string) error {
	var descr string
	switch dtype {
	case "float32":
		descr = "<f4"
	case "float64":
		descr = "<f8"
	default:
		return fmt.Errorf("datasets: npy dtype %q not supported (float32 or float64): %w", dtype, ErrFormat)
	}
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	// magic (6) + version (2) + header length (2) + header + '\n' padded to a multiple of 64.
	total := 10 + len(header) + 1
	pad := (64 - total%64) % 64
	header += strings.Repeat(" ", pad) + "\n"
	bw := bufio.NewWriter(w)
	bw.WriteString("\x93NUMPY")
	bw.Write([]byte{1, 0})
	var hl [2]byte
	binary.LittleEndian.PutUint16(hl[:], uint16(len(header)))
	bw.Write(hl[:])
	bw.WriteString(header)
	var buf [8]byte
	for _, v := range a.Data {
		if dtype == "float32" {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(float32(v)))
			bw.Write(buf[:4])
		} else {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			bw.Write(buf[:])
		}
	}
	return bw.Flush()
}

// WriteAtomic writes a file through write into a temporary file in the folder of path, syncs
// it and renames it over path, so that a reader never sees a partial file and an interrupted
// write never destroys the previous one. Missing parent folders are created.
func WriteAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}
