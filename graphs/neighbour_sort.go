package graphs

import "math/bits"

// sortNeighbours sorts the first k positions of s by (distance, index): afterwards s[:k] holds
// the k smallest candidates in order (the rest in no particular order). It is an introsort
// (quicksort with a median-of-three pivot, insertion sort for short runs, heapsort past a depth
// limit) that skips the partitions lying wholly beyond k, with the comparison inlined; indices
// are distinct, so the order is total and the result unique.
func sortNeighbours(s []neighbour, k int) {
	k = min(k, len(s))
	if k <= 0 {
		return
	}
	partialIntroSort(s, k, 2*bits.Len(uint(len(s))))
}

func partialIntroSort(s []neighbour, k, depth int) {
	for len(s) > 12 {
		if depth == 0 {
			heapSortNeighbours(s)
			return
		}
		depth--
		p := partitionNeighbours(s)
		// s[:p] < s[p] < s[p+1:]
		if p+1 < k {
			partialIntroSort(s[p+1:], k-p-1, depth)
		}
		if p < k {
			k = min(k, p)
		}
		s = s[:p]
		if k == 0 {
			return
		}
	}
	for i := 1; i < len(s); i++ { // insertion sort
		for j := i; j > 0 && s[j].before(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// partitionNeighbours partitions s around a median-of-three pivot and returns its final
// position p: s[:p] before s[p] before s[p+1:].
func partitionNeighbours(s []neighbour) int {
	n := len(s)
	a, b, c := 0, n/2, n-1
	if s[b].before(s[a]) {
		a, b = b, a
	}
	if s[c].before(s[b]) {
		b = c
		if s[b].before(s[a]) {
			b = a
		}
	}
	s[b], s[n-1] = s[n-1], s[b]
	pivot := s[n-1]
	p := 0
	for i := 0; i < n-1; i++ {
		if s[i].before(pivot) {
			s[i], s[p] = s[p], s[i]
			p++
		}
	}
	s[p], s[n-1] = s[n-1], s[p]
	return p
}

// heapSortNeighbours sorts s by (distance, index).
func heapSortNeighbours(s []neighbour) {
	h := maxHeap(s)
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	for end := len(s) - 1; end > 0; end-- {
		s[0], s[end] = s[end], s[0]
		maxHeap(s[:end]).down(0)
	}
}
