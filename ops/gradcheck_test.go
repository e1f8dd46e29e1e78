package ops

import (
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// wrongGELU computes GELU but claims ReLU's derivative: the gradient check must reject it.
type wrongGELU struct{ activationOp }

func (op *wrongGELU) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := gorgonia.ApplyOp(&activationGradOp{OpBase: engine.NewOpBase("relu'", 2, 2, 2), kind: ReLU}, inputs[0], grad)
	return gorgonia.Nodes{g}, err
}

func TestCheckGrad_RejectsWrongGradient(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	errs := gradcheck.Errors(t, []*tensor.Dense{gradcheck.RandDense(rng, 3, 3)}, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		return gorgonia.ApplyOp(&wrongGELU{activationOp{OpBase: engine.NewOpBase("gelu", 2, 2), kind: GELU}}, xs[0])
	}, 0)
	if errs[0] < 1e-2 {
		t.Fatalf("a wrong gradient passed the check (relative error %g)", errs[0])
	}
}
