package graphs

// FullGraph returns the fully connected graph on n nodes without self loops, the
// transcriptomics baseline of the paper's Table 3: edges j -> i for all j != i, grouped by
// destination i in increasing order, sources in increasing index; n(n-1) edges.
func FullGraph(n int) Edges {
	if n < 2 {
		return Edges{Src: []int{}, Dst: []int{}}
	}
	e := Edges{Src: make([]int, 0, n*(n-1)), Dst: make([]int, 0, n*(n-1))}
	for i := range n {
		for j := range n {
			if j != i {
				e.Src = append(e.Src, j)
				e.Dst = append(e.Dst, i)
			}
		}
	}
	return e
}
