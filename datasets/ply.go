package datasets

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// EncodePLY writes a set of 3-D point clouds (flat: x, y, z in a row) as one binary
// little-endian PLY file that point-cloud viewers (MeshLab, CloudCompare, Open3D) open: every
// point a vertex with float x, y, z and an int property "cloud" (its cloud's index). With
// grid true the clouds are laid out side by side on a square grid (cloud i shifted by
// spacing·(i mod cols, -(i div cols), 0), spacing 2.2 × the largest |coordinate|), so that a
// viewer shows the whole set at once; the layout is recorded in the header's comments.
func EncodePLY(w io.Writer, clouds [][]float64, grid bool) error {
	var n int
	var m float64
	for i, c := range clouds {
		if len(c)%3 != 0 {
			return fmt.Errorf("datasets: PLY: cloud %d has %d values, not a multiple of 3: %w", i, len(c), ErrFormat)
		}
		for _, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("datasets: PLY: cloud %d has a non-finite coordinate %v: %w", i, v, ErrFormat)
			}
			m = math.Max(m, math.Abs(v))
		}
		n += len(c) / 3
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(clouds)))))
	spacing := 2.2 * m
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "ply\nformat binary_little_endian 1.0\ncomment %d point clouds written by ncgn\n", len(clouds))
	if grid {
		fmt.Fprintf(bw, "comment laid out on a grid of %d columns, spacing %g: cloud i is shifted by spacing*(i mod %d, -(i div %d), 0)\n", cols, spacing, cols, cols)
	}
	fmt.Fprintf(bw, "element vertex %d\nproperty float x\nproperty float y\nproperty float z\nproperty int cloud\nend_header\n", n)
	var buf [16]byte
	for i, c := range clouds {
		var dx, dy float64
		if grid {
			dx, dy = spacing*float64(i%cols), -spacing*float64(i/cols)
		}
		for k := 0; k < len(c); k += 3 {
			binary.LittleEndian.PutUint32(buf[0:], math.Float32bits(float32(c[k]+dx)))
			binary.LittleEndian.PutUint32(buf[4:], math.Float32bits(float32(c[k+1]+dy)))
			binary.LittleEndian.PutUint32(buf[8:], math.Float32bits(float32(c[k+2])))
			binary.LittleEndian.PutUint32(buf[12:], uint32(int32(i)))
			if _, err := bw.Write(buf[:]); err != nil {
				return fmt.Errorf("datasets: PLY: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("datasets: PLY: %w", err)
	}
	return nil
}

// WritePLY writes clouds to path as EncodePLY does, atomically.
func WritePLY(path string, clouds [][]float64, grid bool) error {
	return WriteAtomic(path, func(w io.Writer) error { return EncodePLY(w, clouds, grid) })
}
