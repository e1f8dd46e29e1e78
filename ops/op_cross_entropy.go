package ops

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/engine"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// crossEntropyOp computes the mean over rows of −log softmax(logits)[label], with the
// log-sum-exp shifted by each row's maximum; the output is a gorgonia scalar.
type crossEntropyOp struct {
	engine.OpBase
	labels []int
}

// CrossEntropy returns the scalar mean over the rows of logits [B, K] of the negative log of
// the softmax probability of each row's label (labels has B entries in [0, K)): the
// classification loss. Its gradient with respect to the logits is (softmax − onehot) / B.
func CrossEntropy(logits *gorgonia.Node, labels []int) (*gorgonia.Node, error) {
	if logits.Dims() != 2 || logits.Shape()[0] != len(labels) || len(labels) == 0 {
		return nil, fmt.Errorf("ops: cross-entropy of logits %v with %d labels: %w", logits.Shape(), len(labels), engine.ErrShape)
	}
	k := logits.Shape()[1]
	for i, l := range labels {
		if l < 0 || l >= k {
			return nil, fmt.Errorf("ops: cross-entropy: label %d of row %d outside [0, %d): %w", l, i, k, engine.ErrShape)
		}
	}
	return engine.ApplyOp(&crossEntropyOp{OpBase: engine.NewOpBase("crossentropy", 0, 2), labels: append([]int(nil), labels...)}, logits)
}

func (op *crossEntropyOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op *crossEntropyOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	k := x.Shape()[1]
	switch d := x.Data().(type) {
	case []float32:
		return gorgonia.NewF32(float32(crossEntropy(d, op.labels, k, nil))), nil
	case []float64:
		return gorgonia.NewF64(crossEntropy(d, op.labels, k, nil)), nil
	}
	return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), x.Dtype(), engine.ErrShape)
}

func (op *crossEntropyOp) DiffWRT(int) []bool { return []bool{true} }

func (op *crossEntropyOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	g, err := engine.ApplyOp(&crossEntropyGradOp{OpBase: engine.NewOpBase("crossentropy'", 2, 2, 0), labels: op.labels}, inputs[0], grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{g}, nil
}

// crossEntropyGradOp computes g · (softmax(logits) − onehot) / B.
type crossEntropyGradOp struct {
	engine.OpBase
	labels []int
}

func (op *crossEntropyGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := engine.ShapeOf(in[0])
	return s.Clone(), err
}

func (op *crossEntropyGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := engine.DenseOf(in[0])
	if err != nil {
		return nil, err
	}
	g, err := engine.ScalarOf(in[1])
	if err != nil {
		return nil, fmt.Errorf("ops: %s: upstream gradient: %w", op.String(), err)
	}
	k := x.Shape()[1]
	out := op.NewUninit(x, x.Shape()...)
	switch d := x.Data().(type) {
	case []float32:
		o := out.Data().([]float32)
		crossEntropy(d, op.labels, k, o)
		for i := range o {
			o[i] *= float32(g)
		}
	case []float64:
		o := out.Data().([]float64)
		crossEntropy(d, op.labels, k, o)
		for i := range o {
			o[i] *= g
		}
	default:
		return nil, fmt.Errorf("ops: %s on %v: %w", op.String(), x.Dtype(), engine.ErrShape)
	}
	return out, nil
}

func (op *crossEntropyGradOp) DiffWRT(int) []bool { return []bool{false, false} }

func (op *crossEntropyGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, fmt.Errorf("ops: %s has no second derivative: %w", op.String(), engine.ErrShape)
}

// crossEntropy returns the mean cross-entropy of the rows of x ([B, k]) with labels and, when
// grad is not nil, writes (softmax − onehot) / B into it; sums in float64.
func crossEntropy[T engine.Float](x []T, labels []int, k int, grad []T) float64 {
	B := len(labels)
	var loss float64
	for r, l := range labels {
		row := x[r*k : (r+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var z float64
		for _, v := range row {
			z += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(z)
		loss += lse - float64(row[l])
		if grad != nil {
			for j, v := range row {
				p := math.Exp(float64(v) - lse)
				if j == l {
					p--
				}
				grad[r*k+j] = T(p / float64(B))
			}
		}
	}
	return loss / float64(B)
}
