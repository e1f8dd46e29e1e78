package graphs

import (
	"errors"
	"math"
	"testing"
)

const attrTol = 1e-12 // tolerance on lengths computed from small integers

func TestEdgeLengths(t *testing.T) {
	pos := []float64{0, 0, 3, 4, 3, 0}
	e := Edges{Src: []int{0, 1, 2}, Dst: []int{1, 2, 0}}
	got, err := EdgeLengths(pos, 2, e)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{5, 4, 3}
	for m := range want {
		if math.Abs(got[m]-want[m]) > attrTol {
			t.Errorf("edge %d length %v, want %v", m, got[m], want[m])
		}
	}
	attr := EdgeAttributes(got, 0.25)
	if len(attr) != 6 || attr[0] != got[0] || attr[1] != 0.25 || attr[5] != 0.25 {
		t.Errorf("attributes %v", attr)
	}
	if _, err := EdgeLengths(pos, 2, Edges{Src: []int{3}, Dst: []int{0}}); !errors.Is(err, ErrShape) {
		t.Errorf("out-of-range edge: error %v, want ErrShape", err)
	}
	if _, err := EdgeLengths(pos, 4, e); !errors.Is(err, ErrShape) {
		t.Errorf("bad dimension: error %v, want ErrShape", err)
	}
}

func TestFineAttributes(t *testing.T) {
	pos := []float64{0, 0, 2, 0, 10, 10}
	super := []float64{1, 0, 10, 10}
	assign := []int{0, 0, 1}
	got, err := FineAttributes(pos, super, 2, assign, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 0.5, 1, 0.5, 0, 0.5}
	for m := range want {
		if math.Abs(got[m]-want[m]) > attrTol {
			t.Errorf("attribute %d = %v, want %v", m, got[m], want[m])
		}
	}
	if e := FineEdges(assign); !sameInts(e.Src, []int{0, 1, 2}) || !sameInts(e.Dst, assign) {
		t.Errorf("FineEdges = %v -> %v", e.Src, e.Dst)
	}
	if _, err := FineAttributes(pos, super, 2, []int{0, 2, 1}, 0); !errors.Is(err, ErrShape) {
		t.Errorf("bad assignment: error %v, want ErrShape", err)
	}
}
