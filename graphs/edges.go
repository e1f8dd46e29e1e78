package graphs

// Edges is a directed edge list: message e flows from node Src[e] to node Dst[e].
// Src and Dst always have the same length.
type Edges struct {
	Src, Dst []int
}

// Len returns the number of edges.
func (e *Edges) Len() int {
	if e == nil {
		return 0
	}
	return len(e.Src)
}
