package optim

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"unsafe"

	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/tensor"
)

// Saved state (Adam moments, EMA copy) is a little-endian binary stream:
//
//	magic    8 bytes  "NCGNOPT\x01"
//	kind     string   "adam" or "ema"
//	config   string   the Config or EMAConfig as JSON
//	count    uint64   steps taken (Adam) or updates made (EMA)
//	dtype    uint8    4 (float32) or 8 (float64)
//	tensors  uint32   number of tensors, then for each, in Params order:
//	  name   string
//	  rank   uint32, then rank × uint64 dimensions
//	  slots  (2 for Adam: m then v; 1 for EMA) × size values of dtype, IEEE bits
//	crc      uint32   CRC-32 (IEEE) of every byte before it
//
// where a string is a uint32 byte length and the bytes. Values are stored bit for bit, so a
// run resumed from saved state continues exactly as the uninterrupted run. The stream is
// self-delimiting: several states can follow one another in one file, and Load reads exactly
// the bytes Save wrote (pass a bufio.Reader for speed).

const (
	stateMagic   = "NCGNOPT\x01"
	maxNameLen   = 1 << 12
	maxConfigLen = 1 << 16
	maxRank      = 16
)

// stateWriter writes the fields of a state stream and checksums them; the first error sticks.
type stateWriter struct {
	w   io.Writer
	crc hash.Hash32
	err error
	buf []byte
	// scratch holds one encoded number, chunk a run of encoded values.
	scratch [8]byte
	chunk   []byte
}

func newStateWriter(w io.Writer) *stateWriter {
	return &stateWriter{w: w, crc: crc32.NewIEEE(), buf: make([]byte, 0, 1<<15)}
}

// flush writes the buffered bytes.
func (s *stateWriter) flush() {
	if s.err == nil && len(s.buf) > 0 {
		s.crc.Write(s.buf)
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

// raw appends b, flushing first when it does not fit; a b longer than the buffer is written
// through.
func (s *stateWriter) raw(b []byte) {
	if len(s.buf)+len(b) > cap(s.buf) {
		s.flush()
		if len(b) > cap(s.buf) {
			if s.err == nil {
				s.crc.Write(b)
				_, s.err = s.w.Write(b)
			}
			return
		}
	}
	s.buf = append(s.buf, b...)
}

func (s *stateWriter) u8(v uint8) { s.scratch[0] = v; s.raw(s.scratch[:1]) }
func (s *stateWriter) u32(v uint32) {
	binary.LittleEndian.PutUint32(s.scratch[:], v)
	s.raw(s.scratch[:4])
}
func (s *stateWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(s.scratch[:], v)
	s.raw(s.scratch[:8])
}
func (s *stateWriter) str(v string) { s.u32(uint32(len(v))); s.raw([]byte(v)) }

// writeFloats writes the IEEE bits of x, encoded a chunk at a time.
func writeFloats[T float](s *stateWriter, x []T) {
	size := int(unsafe.Sizeof(T(0)))
	const chunk = 1 << 12
	if s.chunk == nil {
		s.chunk = make([]byte, 8*chunk)
	}
	for off := 0; off < len(x); off += chunk {
		part := x[off:min(off+chunk, len(x))]
		b := s.chunk[:len(part)*size]
		for i, v := range part {
			if size == 4 {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
			} else {
				binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(v)))
			}
		}
		s.raw(b)
	}
}

// end writes the checksum and flushes.
func (s *stateWriter) end() error {
	s.flush()
	if s.err != nil {
		return s.err
	}
	_, s.err = s.w.Write(binary.LittleEndian.AppendUint32(nil, s.crc.Sum32()))
	return s.err
}

// saveState writes a state stream of the given kind for params with the given slots (each one
// slice per parameter).
func saveState[T float](w io.Writer, kind string, cfg any, count int, params []*layers.Param, slots ...store[T]) error {
	js, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	var zero T
	s := newStateWriter(w)
	s.buf = append(s.buf, stateMagic...)
	s.str(kind)
	s.str(string(js))
	s.u64(uint64(count))
	s.u8(uint8(unsafe.Sizeof(zero)))
	s.u32(uint32(len(params)))
	for i, p := range params {
		s.str(p.Name)
		shape := p.Value.Shape()
		s.u32(uint32(len(shape)))
		for _, d := range shape {
			s.u64(uint64(d))
		}
		for _, sl := range slots {
			writeFloats(s, sl[i])
		}
	}
	return s.end()
}

// stateReader reads the fields of a state stream and checksums them; the first error sticks.
type stateReader struct {
	r   io.Reader
	crc hash.Hash32
	err error
	buf [8]byte
}

func (s *stateReader) read(b []byte) {
	if s.err != nil {
		return
	}
	if _, err := io.ReadFull(s.r, b); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		s.err = fmt.Errorf("truncated or unreadable: %w", err)
		return
	}
	s.crc.Write(b)
}

func (s *stateReader) u8() uint8 { s.read(s.buf[:1]); return s.buf[0] }
func (s *stateReader) u32() uint32 {
	s.read(s.buf[:4])
	return binary.LittleEndian.Uint32(s.buf[:4])
}
func (s *stateReader) u64() uint64 {
	s.read(s.buf[:8])
	return binary.LittleEndian.Uint64(s.buf[:8])
}

// str reads a string of at most limit bytes.
func (s *stateReader) str(what string, limit int) string {
	n := s.u32()
	if s.err == nil && int64(n) > int64(limit) {
		s.err = fmt.Errorf("%s of %d bytes (at most %d)", what, n, limit)
	}
	if s.err != nil {
		return ""
	}
	b := make([]byte, n)
	s.read(b)
	return string(b)
}

// readFloats fills x from the stream.
func readFloats[T float](s *stateReader, x []T) {
	size := int(unsafe.Sizeof(x[0]))
	const chunk = 1 << 12
	b := make([]byte, chunk*size)
	for off := 0; off < len(x) && s.err == nil; off += chunk {
		n := min(chunk, len(x)-off)
		s.read(b[:n*size])
		for i := range n {
			if size == 4 {
				x[off+i] = T(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			} else {
				x[off+i] = T(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
			}
		}
	}
}

// loadState reads a state stream of the given kind written for params, decoding the config
// into cfg and returning the count and nslots new slots. It checks the layout against params
// before reading any values; errors name the mismatching tensor.
func loadState[T float](r io.Reader, kind string, cfg any, params []*layers.Param, nslots int) (int, []store[T], error) {
	s := &stateReader{r: r, crc: crc32.NewIEEE()}
	fail := func(format string, args ...any) (int, []store[T], error) {
		return 0, nil, fmt.Errorf(format+": %w", append(args, ErrState)...)
	}
	var magic [len(stateMagic)]byte
	s.read(magic[:])
	if s.err != nil {
		return fail("%v", s.err)
	}
	if string(magic[:]) != stateMagic {
		return fail("not ncgn optimiser state (magic %q)", magic[:])
	}
	if k := s.str("kind", 64); s.err == nil && k != kind {
		return fail("state of kind %q, want %q", k, kind)
	}
	js := s.str("config", maxConfigLen)
	count := s.u64()
	dsize := s.u8()
	n := s.u32()
	if s.err != nil {
		return fail("header: %v", s.err)
	}
	if err := json.Unmarshal([]byte(js), cfg); err != nil {
		return fail("config %q: %v", js, err)
	}
	var zero T
	if want := uint8(unsafe.Sizeof(zero)); dsize != want {
		return fail("values of %d bytes, the Params hold %d-byte floats", dsize, want)
	}
	if count > math.MaxInt32 {
		return fail("count %d out of range", count)
	}
	if int64(n) != int64(len(params)) {
		return fail("state holds %d tensors, the Params %d", n, len(params))
	}
	slots := make([]store[T], nslots)
	for k := range slots {
		slots[k] = make(store[T], len(params))
	}
	for i, p := range params {
		name := s.str("tensor name", maxNameLen)
		rank := s.u32()
		if s.err != nil {
			return fail("tensor %d: %v", i, s.err)
		}
		if name != p.Name {
			return fail("tensor %d is %q, the Params have %q", i, name, p.Name)
		}
		if rank > maxRank {
			return fail("tensor %q: rank %d", name, rank)
		}
		shape := p.Value.Shape()
		dims := make([]int, rank)
		same := int(rank) == len(shape)
		for j := range dims {
			d := s.u64()
			dims[j] = int(min(d, math.MaxInt32))
			same = same && d == uint64(shape[j])
		}
		if s.err != nil {
			return fail("tensor %q: %v", name, s.err)
		}
		if !same {
			return fail("tensor %q has shape %v, the Params' %v", name, tensor.Shape(dims), shape)
		}
		for k := range slots {
			slots[k][i] = make([]T, shape.TotalSize())
			readFloats(s, slots[k][i])
		}
		if s.err != nil {
			return fail("tensor %q: %v", name, s.err)
		}
	}
	sum := s.crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(r, tail[:]); err != nil {
		return fail("checksum: truncated or unreadable: %v", err)
	}
	if got := binary.LittleEndian.Uint32(tail[:]); got != sum {
		return fail("checksum %08x, content hashes to %08x (corrupt)", got, sum)
	}
	return int(count), slots, nil
}
