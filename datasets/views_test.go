package datasets

import (
	"slices"
	"testing"
)

func TestArray_Views(t *testing.T) {
	a := &Array{Shape: []int{2, 3, 2}, Data: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	s := a.Samples()
	if len(s) != 2 || !slices.Equal(s[1], []float64{6, 7, 8, 9, 10, 11}) || cap(s[0]) != 6 {
		t.Fatalf("samples %v", s)
	}
	c := a.Clouds()
	if len(c) != 2 || len(c[1]) != 3 || !slices.Equal(c[1][2], []float64{10, 11}) || cap(c[0][0]) != 2 {
		t.Fatalf("clouds %v", c)
	}
	c[0][1][0] = -1 // views, not copies
	if a.Data[2] != -1 {
		t.Fatal("Clouds copied the data")
	}
}
