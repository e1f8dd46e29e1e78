package layers

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gradients returns the gradient of the scalar loss with respect to each node of wrt (input
// nodes of loss's graph), built into the graph by reverse accumulation over the ops' SymDiff;
// Scope.Run reads them with gorgonia.Read like any fetched value.
//
// It replaces gorgonia.Grad with gorgonia.BindDualValues, the pair under two rare,
// non-reproducible faults seen in training: a parameter's gradient read as nil ("expected a
// dense tensor, got <nil>", once in about 400 steps of a 16-layer network) and "Add failed:
// Shape mismatch" (once in about 2,000 benchmark steps). Both arise in gorgonia's gradient
// bookkeeping, which this function does not use: the machine's accumulation of each gradient
// node into the dual values of the nodes it is the derivative of (derivOf, vm_tape_nocuda.go,
// with a TODO there about nodes computed out of order), and gorgonia.Grad's sums of several
// contributions to one node, chains of gorgonia Adds that the graph may de-duplicate: AddNode
// merges a new node into an existing one with the same 32-bit hash and the same op hash, type,
// shape and number of children without comparing the children (nodeEq), and all gorgonia Adds
// of one shape share their op hash. Here contributions are summed by this package's n-ary Add,
// whose op hash carries a serial unique to the instance; the only gorgonia ops left in a
// training graph are the few of the loss (TestDMP_TrainingGraphUsesOwnAccumulation).
func gradients(loss *gorgonia.Node, wrt gorgonia.Nodes, dt tensor.Dtype) (gorgonia.Nodes, error) {
	if len(wrt) == 0 {
		return nil, nil
	}
	if !loss.IsScalar() {
		return nil, fmt.Errorf("layers: gradient of a loss of shape %v: %w (need a scalar)", loss.Shape(), ErrShape)
	}
	// Nodes reachable from the loss, children before parents.
	var order gorgonia.Nodes
	children := map[*gorgonia.Node]gorgonia.Nodes{}
	var visit func(n *gorgonia.Node)
	visit = func(n *gorgonia.Node) {
		if _, ok := children[n]; ok {
			return
		}
		cs := childrenOf(n)
		children[n] = cs
		for _, c := range cs {
			visit(c)
		}
		order = append(order, n)
	}
	visit(loss)

	// needed marks the nodes through which a gradient reaches a node of wrt.
	needed := make(map[*gorgonia.Node]bool, len(order))
	for _, n := range wrt {
		if n.Op() != nil {
			return nil, fmt.Errorf("layers: gradient with respect to %q, which is not an input node: %w", n.Name(), ErrShape)
		}
		needed[n] = true
	}
	for _, n := range order {
		op, ok := n.Op().(gorgonia.SDOp)
		if !ok {
			continue // an input, or an op without a symbolic derivative
		}
		diff := op.DiffWRT(len(children[n]))
		for i, c := range children[n] {
			if diff[i] && needed[c] {
				needed[n] = true
				break
			}
		}
	}
	if !needed[loss] {
		return nil, fmt.Errorf("layers: gradient: no node to differentiate by is an input of the loss: %w", ErrShape)
	}

	one, err := scalarOne(dt)
	if err != nil {
		return nil, err
	}
	seed := gorgonia.NewScalar(loss.Graph(), dt, gorgonia.WithName("d_loss"), gorgonia.WithValue(one))
	contrib := map[*gorgonia.Node]gorgonia.Nodes{loss: {seed}}
	grads := make(map[*gorgonia.Node]*gorgonia.Node, len(wrt))
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if !needed[n] {
			continue
		}
		cs := contrib[n]
		if len(cs) == 0 {
			continue // every path from the loss to n passes an input the ops do not differentiate by
		}
		g := cs[0]
		if len(cs) > 1 {
			if g, err = Add(cs...); err != nil {
				return nil, fmt.Errorf("layers: gradient of %q: summing %d contributions: %w", n.Name(), len(cs), err)
			}
		}
		delete(contrib, n)
		if n.Op() == nil {
			grads[n] = g
			continue
		}
		op := n.Op().(gorgonia.SDOp) // needed: an SDOp
		childGrads, err := op.SymDiff(children[n], n, g)
		if err != nil {
			return nil, fmt.Errorf("layers: gradient through %v: %w", n.Op(), err)
		}
		diff := op.DiffWRT(len(children[n]))
		for j, c := range children[n] {
			if !diff[j] || !needed[c] {
				continue
			}
			if j >= len(childGrads) || childGrads[j] == nil {
				return nil, fmt.Errorf("layers: gradient through %v: no gradient for input %d: %w", n.Op(), j, ErrShape)
			}
			contrib[c] = append(contrib[c], childGrads[j])
		}
	}
	out := make(gorgonia.Nodes, len(wrt))
	for i, n := range wrt {
		if out[i] = grads[n]; out[i] == nil {
			return nil, fmt.Errorf("layers: gradient: no gradient reaches %q from the loss (not an input of it, or only through ops without a derivative): %w", n.Name(), ErrShape)
		}
	}
	return out, nil
}

// scalarOne returns 1 as a value of dt.
func scalarOne(dt tensor.Dtype) (any, error) {
	switch dt {
	case tensor.Float32:
		return float32(1), nil
	case tensor.Float64:
		return float64(1), nil
	}
	return nil, fmt.Errorf("layers: gradient of a %v loss: %w", dt, ErrShape)
}

// childrenOf returns n's inputs in order (gorgonia exports them only through the graph's
// From, which keeps the order and repeated inputs).
func childrenOf(n *gorgonia.Node) gorgonia.Nodes {
	it := n.Graph().From(n.ID())
	if it == nil {
		return nil
	}
	cs := make(gorgonia.Nodes, 0, it.Len())
	for it.Next() {
		cs = append(cs, it.Node().(*gorgonia.Node))
	}
	return cs
}
