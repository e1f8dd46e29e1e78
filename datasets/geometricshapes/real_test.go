package geometricshapes

import (
	"os"
	"reflect"
	"testing"

	"github.com/ncgn/ncgn/datasets/modelnet40"
)

func TestReadZip_Shared(t *testing.T) {
	if _, err := os.Stat(sharedZip); err != nil {
		t.Skipf("shared GeometricShapes archive absent (%v); see ../shared/data/README.md", err)
	}
	shapes, err := ReadZip(sharedZip, false) // checks the SHA-256
	if err != nil {
		t.Fatal(err)
	}
	classes := Classes(shapes)
	if len(classes) != NumClasses || len(shapes) != 2*NumClasses {
		t.Fatalf("%d classes, %d meshes; want %d classes in two splits", len(classes), len(shapes), NumClasses)
	}
	for i := 0; i < len(shapes); i += 2 { // test then train of one class: the same mesh
		te, tr := shapes[i], shapes[i+1]
		if te.Class != tr.Class || te.Split != Test || tr.Split != Train || !reflect.DeepEqual(te.Mesh, tr.Mesh) {
			t.Errorf("%s: the test and train meshes differ", te.Class)
		}
	}
	s, err := Sample(shapes, Config{Split: Train, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clouds) != NumClasses || s.Counts.Degenerate != 0 {
		t.Errorf("%d surface clouds, counts %+v", len(s.Clouds), s.Counts)
	}
	if a := s.Array(); !reflect.DeepEqual(a.Shape, []int{40, 400, 3}) {
		t.Errorf("array shape %v", a.Shape)
	}
	v, err := Sample(shapes, Config{Split: Train, Source: modelnet40.Vertices, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Shapes with at least 400 vertices: L/U cylinders, monkey, moon, sphere, tori.
	if len(v.Clouds) != 7 || v.Counts.TooFewPoints != 33 {
		t.Errorf("vertex clouds: %d, counts %+v", len(v.Clouds), v.Counts)
	}
}
