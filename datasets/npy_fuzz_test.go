package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// npyBytes returns a .npy stream of format version major with the given header dictionary
// (padded as numpy pads it) followed by data.
func npyBytes(major byte, dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	pre := 10
	if major > 1 {
		pre = 12
	}
	h := dict
	for (pre+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func npyDict(descr, shape string) string {
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
}

// TestDecodeNpy_HostileHeaders checks that headers declaring more than the file holds, or an
// overflowing or huge shape, are refused before any allocation, with ErrFormat and the shape
// named.
func TestDecodeNpy_HostileHeaders(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"overflowing shape", npyBytes(1, npyDict("<f4", "(4611686018427387904, 4, 1)"), nil), "more than"},
		{"huge shape, 177 bytes", npyBytes(1, npyDict("<f4", "(100000000, 100000, 3)"), make([]byte, 49)), "more than"},
		{"large shape, no data", npyBytes(1, npyDict("<f4", "(100000000, 2, 3)"), nil), "needs 2400000000 data bytes, the file holds 0"},
		{"one value short", npyBytes(1, npyDict("<f8", "(2, 3)"), make([]byte, 40)), "needs 48 data bytes, the file holds 40"},
		{"trailing bytes", npyBytes(1, npyDict("<f4", "(2,)"), make([]byte, 12)), "needs 8 data bytes, the file holds 12"},
		{"version 2 header", npyBytes(2, npyDict("<f4", "(2,)"), make([]byte, 12)), "needs 8 data bytes"},
		{"header beyond the file", append([]byte("\x93NUMPY\x01\x00\xff\xff"), "{}"...), "header of"},
		{"not npy", []byte("hello, world"), "not a .npy file"},
		{"empty", nil, "not a .npy file"},
		{"version 9", []byte("\x93NUMPY\x09\x00\x10\x00{}"), "version 9.0"},
		{"complex dtype", npyBytes(1, npyDict("<c8", "(2,)"), make([]byte, 16)), "dtype"},
		{"big-endian int", npyBytes(1, npyDict(">i4", "(2,)"), make([]byte, 8)), "dtype"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := DecodeNpy(bytes.NewReader(tc.in), int64(len(tc.in)), "x.npy")
			if !errors.Is(err, ErrFormat) || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) || a != nil {
				t.Fatalf("error %v, want ErrFormat containing %q", err, tc.want)
			}
		})
	}
	good := npyBytes(2, npyDict("<f4", "(2,)"), make([]byte, 8))
	if a, err := DecodeNpy(bytes.NewReader(good), int64(len(good)), "v2.npy"); err != nil || len(a.Data) != 2 {
		t.Errorf("a valid version 2 file: %v, %v", a, err)
	}
}

// FuzzDecodeNpy checks that no input makes DecodeNpy panic or allocate beyond what the input
// holds, that every error wraps ErrFormat, and that an accepted array is consistent. Run with:
// go test -run '^$' -fuzz FuzzDecodeNpy -fuzztime 1m ./datasets/
func FuzzDecodeNpy(f *testing.F) {
	f.Add(npyBytes(1, npyDict("<f4", "(2, 3)"), make([]byte, 24)))
	f.Add(npyBytes(1, npyDict("<f8", "(1,)"), make([]byte, 8)))
	f.Add(npyBytes(2, npyDict("<f4", "(2,)"), make([]byte, 8)))
	f.Add(npyBytes(3, npyDict("<f4", "()"), make([]byte, 4)))
	f.Add(npyBytes(1, npyDict("<f4", "(4611686018427387904, 4, 1)"), nil))
	f.Add(npyBytes(1, npyDict("<f4", "(100000000, 100000, 3)"), nil))
	f.Add(npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", make([]byte, 16)))
	f.Add([]byte("\x93NUMPY\x02\x00\x04\x00\x00\x00{}\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeNpy(bytes.NewReader(data), int64(len(data)), "fuzz.npy")
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		if a.Size() != len(a.Data) || 4*len(a.Data) > len(data) {
			t.Fatalf("accepted shape %v with %d values from %d bytes", a.Shape, len(a.Data), len(data))
		}
	})
}
