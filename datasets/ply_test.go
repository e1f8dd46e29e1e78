package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestEncodePLY checks the header and the binary body: vertex count, property order, the
// grid shift of the second cloud, the cloud index; and that a ragged or NaN cloud is refused.
func TestEncodePLY(t *testing.T) {
	clouds := [][]float64{{1, 2, 3, -1, 0, 0.5}, {0.25, -2, 1}}
	var buf bytes.Buffer
	if err := EncodePLY(&buf, clouds, true); err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(buf.String(), "end_header\n")
	if !ok {
		t.Fatalf("no end_header in %q", buf.String())
	}
	for _, want := range []string{"ply\nformat binary_little_endian 1.0\n", "element vertex 3\n",
		"property float x\nproperty float y\nproperty float z\nproperty int cloud\n", "grid of 2 columns, spacing 6.6"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q:\n%s", want, head)
		}
	}
	if len(body) != 3*16 {
		t.Fatalf("body of %d bytes, want 48", len(body))
	}
	b := []byte(body)
	f := func(i int) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))) }
	// vertex 2 (first of cloud 1): x + 6.6, y, z; cloud 1
	if got := [3]float64{f(8), f(9), f(10)}; math.Abs(got[0]-6.85) > 1e-5 || got[1] != -2 || got[2] != 1 {
		t.Errorf("third vertex %v, want [6.85 -2 1]", got)
	}
	if c := binary.LittleEndian.Uint32(b[44:]); c != 1 {
		t.Errorf("third vertex's cloud %d, want 1", c)
	}
	for _, bad := range [][][]float64{{{1, 2}}, {{1, math.NaN(), 3}}} {
		if err := EncodePLY(&bytes.Buffer{}, bad, false); !errors.Is(err, ErrFormat) {
			t.Errorf("%v: error %v, want ErrFormat", bad, err)
		}
	}
}
