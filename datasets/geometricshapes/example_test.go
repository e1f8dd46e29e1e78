package geometricshapes_test

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/ncgn/ncgn/datasets/geometricshapes"
)

// Surface clouds of a one-shape archive built in memory (the real one is PyG's raw.zip, read
// with ReadZip and its checksum checked).
func ExampleSample() {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("raw/2d_square/train/2d_square.off")
	w.Write([]byte("OFF\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n"))
	zw.Close()

	shapes, err := geometricshapes.DecodeZip(buf.Bytes(), "square.zip", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := geometricshapes.Sample(shapes, geometricshapes.Config{Split: "train", Points: 100, PerClass: 2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := 0.0
	for _, v := range s.Clouds[0] {
		m = max(m, v, -v)
	}
	fmt.Println(len(s.Clouds), "clouds of", s.Config.Points, "points,", s.Labels[0], "max |x| =", m)
	// Output: 2 clouds of 100 points, 2d_square max |x| = 0.249999995
}
