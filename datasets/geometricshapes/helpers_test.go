package geometricshapes

import (
	"archive/zip"
	"bytes"
	"testing"
)

// sharedZip is PyG's raw.zip as CI and developers keep it beside the checkout.
const sharedZip = "../../../shared/data/geometric-shapes/raw.zip"

const (
	triangleOFF = "OFF\n3 1 0\n-1 -1 0\n1 -1 0\n0 0.5 0\n3 0 1 2\n"
	cubeOFF     = "OFF\n8 6 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n0 0 1\n1 0 1\n1 1 1\n0 1 1\n" +
		"4 0 3 2 1\n4 4 5 6 7\n4 0 1 5 4\n4 2 3 7 6\n4 1 2 6 5\n4 0 4 7 3\n"
	lineOFF = "OFF\n3 1 0\n0 0 0\n1 1 1\n2 2 2\n3 0 1 2\n" // collinear: no area
)

// makeZip builds a GeometricShapes-like archive from entry name -> content.
func makeZip(t testing.TB, entries [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// smallArchive holds three shapes in both splits: a triangle (3 vertices), a cube (8) and a
// degenerate "line".
func smallArchive(t testing.TB) []byte {
	var e [][2]string
	for _, c := range [][2]string{{"2d_triangle", triangleOFF}, {"3d_cube", cubeOFF}, {"line", lineOFF}} {
		e = append(e, [2]string{"raw/" + c[0] + "/", ""})
		for _, s := range []string{"train", "test"} {
			e = append(e, [2]string{"raw/" + c[0] + "/" + s + "/" + c[0] + ".off", c[1]})
		}
	}
	e = append(e, [2]string{"raw/README.txt", "not a mesh"})
	return makeZip(t, e)
}
