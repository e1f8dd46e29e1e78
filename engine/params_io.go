package engine

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"github.com/ncgn/ncgn/internal/atomicfile"
	"gorgonia.org/tensor"
)

// ErrCorrupt reports a parameter file that is truncated, damaged or of another layout.
var ErrCorrupt = errors.New("corrupt or mismatched parameter file")

// paramsMagic starts every parameter file; the number is the format version.
const paramsMagic = "NCGN-PARAMS-1\n"

// paramsHeader is the JSON line after the magic: the layout of the values that follow.
type paramsHeader struct {
	Dtype   string        `json:"dtype"`
	Entries []paramsEntry `json:"entries"`
}

type paramsEntry struct {
	Name      string `json:"name"`
	Shape     []int  `json:"shape"`
	Learnable bool   `json:"learnable"`
}

// Save writes every parameter and buffer to path atomically (temporary file, then rename):
// the magic line, a JSON header line with names and shapes, the values as little-endian
// float64, and a CRC-32 of everything before it.
func (ps *Params) Save(path string) error {
	if err := atomicfile.Write(path, ps.Encode); err != nil {
		return fmt.Errorf("engine: saving parameters: %w", err)
	}
	return nil
}

// Encode writes the parameters in the format of Save to w.
func (ps *Params) Encode(w io.Writer) error {
	h := paramsHeader{Dtype: ps.dtype.String()}
	for _, p := range ps.list {
		h.Entries = append(h.Entries, paramsEntry{Name: p.Name, Shape: append([]int(nil), p.Value.Shape()...), Learnable: p.Learnable})
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	bw.WriteString(paramsMagic)
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw.Write(hj)
	bw.WriteByte('\n')
	var buf [8]byte
	for _, p := range ps.list {
		for _, v := range p.Float64s() {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			bw.Write(buf[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(buf[:4], crc.Sum32())
	_, err = w.Write(buf[:4])
	return err
}

// Load reads a file written by Save into ps, which must hold the same parameters (names,
// shapes, order), as a model built with the same configuration does. Nothing in ps changes
// unless the whole file is valid.
func (ps *Params) Load(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("engine: loading parameters: %w", err)
	}
	if err := ps.Decode(b); err != nil {
		return fmt.Errorf("engine: loading parameters from %s: %w", path, err)
	}
	return nil
}

// Decode reads the parameters in the format of Save from b.
func (ps *Params) Decode(b []byte) error {
	if len(b) < len(paramsMagic)+4 || string(b[:len(paramsMagic)]) != paramsMagic {
		return fmt.Errorf("not an ncgn parameter file: %w", ErrCorrupt)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fmt.Errorf("checksum mismatch (truncated or damaged): %w", ErrCorrupt)
	}
	rest := body[len(paramsMagic):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return fmt.Errorf("no header: %w", ErrCorrupt)
	}
	var h paramsHeader
	if err := json.Unmarshal(rest[:nl], &h); err != nil {
		return fmt.Errorf("header: %v: %w", err, ErrCorrupt)
	}
	data := rest[nl+1:]
	if len(h.Entries) != len(ps.list) {
		return fmt.Errorf("file holds %d tensors, the model %d: %w", len(h.Entries), len(ps.list), ErrCorrupt)
	}
	Values := make([][]float64, len(ps.list))
	off := 0
	for i, e := range h.Entries {
		p := ps.list[i]
		if e.Name != p.Name || !tensor.Shape(e.Shape).Eq(p.Value.Shape()) {
			return fmt.Errorf("tensor %d is %q %v in the file, %q %v in the model: %w", i, e.Name, e.Shape, p.Name, p.Value.Shape(), ErrCorrupt)
		}
		n := p.Value.Shape().TotalSize()
		if off+8*n > len(data) {
			return fmt.Errorf("tensor %q truncated: %w", e.Name, ErrCorrupt)
		}
		v := make([]float64, n)
		for k := range v {
			v[k] = math.Float64frombits(binary.LittleEndian.Uint64(data[off+8*k:]))
		}
		off += 8 * n
		Values[i] = v
	}
	if off != len(data) {
		return fmt.Errorf("%d trailing bytes: %w", len(data)-off, ErrCorrupt)
	}
	for i, p := range ps.list {
		if err := p.SetFloat64s(Values[i]); err != nil {
			return err
		}
	}
	return nil
}
