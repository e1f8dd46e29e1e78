package ops

import (
	"errors"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestGather_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	idx := []int{3, 0, 3, 3, 1} // repeated indices, row 2 never gathered
	gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, 4, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return Gather(xs[0], idx)
	}, 0)
}

func TestScatter_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	idx := []int{0, 4, 0, 2, 4, 4} // segments 1 and 3 are empty
	for _, mean := range []bool{false, true} {
		gradcheck.Check(t, []*tensor.Dense{gradcheck.RandDense(rng, 6, 2)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
			if mean {
				return ScatterMean(xs[0], idx, 5)
			}
			return ScatterSum(xs[0], idx, 5)
		}, 0)
	}
}

func TestScatter_Forward(t *testing.T) {
	x := tensor.New(tensor.WithShape(4, 2), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6, 7, 8}))
	idx := []int{2, 0, 2, 2}
	for _, tc := range []struct {
		name string
		mean bool
		want []float64
	}{
		{"sum", false, []float64{3, 4, 0, 0, 13, 16}},
		{"mean", true, []float64{3, 4, 0, 0, 13.0 / 3, 16.0 / 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, _ := gradcheck.EvalLoss(t, []*tensor.Dense{x}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
				return scatter(xs[0], idx, 3, tc.mean)
			}, tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(make([]float64, 6))), false)
			got := out.Data().([]float64)
			for i := range tc.want {
				if math.Abs(got[i]-tc.want[i]) > 1e-12 {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestSparse_Transpose(t *testing.T) {
	a, err := NewSparse(3, 4, []int{0, 2, 2, 1, 0}, []int{3, 0, 3, 1, 3}, []float64{1, 2, 3, 4, 5})
	if err != nil {
		t.Fatal(err)
	}
	d, dt := a.Dense(), a.T().Dense()
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			if d[r*4+c] != dt[c*3+r] {
				t.Fatalf("transpose mismatch at %d,%d", r, c)
			}
		}
	}
	if a.T().T() != a {
		t.Fatal("T().T() is not the original")
	}
	if _, err := NewSparse(2, 2, []int{0, 5}, []int{0, 0}, nil); err == nil {
		t.Fatal("row out of range accepted")
	}
}

func TestSparseMatMul_Float32Parallel(t *testing.T) {
	// Large enough to run on several goroutines; must equal the float64 result within float32 rounding.
	rng := rand.New(rand.NewSource(3))
	n, e, f := 2000, 20000, 16
	idx := make([]int, e)
	for i := range idx {
		idx[i] = rng.Intn(n)
	}
	a, _ := ScatterMatrix(idx, n, true)
	x64 := make([]float64, e*f)
	x32 := make([]float32, e*f)
	for i := range x64 {
		x64[i] = rng.Float64()
		x32[i] = float32(x64[i])
	}
	o64 := make([]float64, n*f)
	o32 := make([]float32, n*f)
	spmm(a, x64, o64, f)
	spmm(a, x32, o32, f)
	for i := range o64 {
		if math.Abs(o64[i]-float64(o32[i])) > 1e-5 {
			t.Fatalf("entry %d: float32 %v vs float64 %v", i, o32[i], o64[i])
		}
	}
}

// TestGatherMatrix_EqualsGeneralConstruction checks the direct construction of a gather matrix
// against NewSparse from coordinates, and its refusal of an index out of range.
func TestGatherMatrix_EqualsGeneralConstruction(t *testing.T) {
	idx := []int{3, 0, 3, 1, 4, 4}
	g, err := GatherMatrix(idx, 5)
	if err != nil {
		t.Fatal(err)
	}
	rows := []int{0, 1, 2, 3, 4, 5}
	want, err := NewSparse(len(idx), 5, rows, idx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Dense(), want.Dense()) || !reflect.DeepEqual(g.T().Dense(), want.T().Dense()) {
		t.Fatalf("gather matrix %v, want %v", g.Dense(), want.Dense())
	}
	if _, err := GatherMatrix([]int{0, 5}, 5); !errors.Is(err, engine.ErrShape) {
		t.Fatalf("index 5 of 5 rows: got %v, want engine.ErrShape", err)
	}
}
