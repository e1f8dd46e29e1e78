package graphs

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

const posTol = 1e-12 // tolerance on supernode positions (means of a few coordinates)

func TestVoxelsPerDim(t *testing.T) {
	tests := []struct {
		s, dim    int
		floatRoot bool
		want      int
	}{
		{53, 3, false, 3}, {64, 3, false, 4}, {64, 3, true, 3}, {125, 3, false, 5}, {125, 3, true, 4},
		{216, 3, true, 5}, {343, 3, false, 7}, {343, 3, true, 6}, {26, 3, false, 2}, {27, 3, false, 3},
		{7, 3, false, 1}, {1, 3, false, 1}, {0, 3, false, 1}, {16, 2, false, 4}, {23, 2, true, 4}, {27, 3, true, 3}, {8, 3, true, 2}, {1000, 3, true, 9}, {1001, 3, true, 10},
		{99, 2, false, 9}, {100, 2, false, 10}, {6, 1, false, 6}, {6, 1, true, 6}, {1 << 40, 4, false, 1024},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("s=%d/d=%d/float=%v", tc.s, tc.dim, tc.floatRoot), func(t *testing.T) {
			if got := VoxelsPerDim(tc.s, tc.dim, tc.floatRoot); got != tc.want {
				t.Errorf("VoxelsPerDim(%d, %d, %v) = %d, want %d", tc.s, tc.dim, tc.floatRoot, got, tc.want)
			}
		})
	}
	// the float root is glibc's int(pow(s, 1.0/d)) as Python computes it: for s <= 10^6 it
	// differs from the exact root only at the cubes m^3, m >= 4, where it is one less
	for d := 2; d <= 5; d++ {
		for s := 1; s <= 200000; s++ {
			want := VoxelsPerDim(s, d, false)
			if m := int(math.Round(math.Cbrt(float64(s)))); d == 3 && m >= 4 && m*m*m == s {
				want--
			}
			if got := VoxelsPerDim(s, d, true); got != want {
				t.Fatalf("VoxelsPerDim(%d, %d, true) = %d, want %d", s, d, got, want)
			}
		}
	}
	// the exact root is the largest v with v^d <= s for every s up to 5000
	for d := 1; d <= 3; d++ {
		for s := 1; s <= 5000; s++ {
			v := VoxelsPerDim(s, d, false)
			if math.Pow(float64(v), float64(d)) > float64(s) || math.Pow(float64(v+1), float64(d)) <= float64(s) {
				t.Fatalf("VoxelsPerDim(%d, %d, false) = %d", s, d, v)
			}
		}
	}
}

// TestVoxelCluster_Grid: hand-made grids whose clusters are known.
func TestVoxelCluster_Grid(t *testing.T) {
	// a 4x4 grid of the points (x, y) in {0,1,2,3}^2, point i = (i%4, i/4)
	grid2 := make([]float64, 0, 32)
	for i := range 16 {
		grid2 = append(grid2, float64(i%4), float64(i/4))
	}
	// a 4x4x4 grid, point i = (i%4, i/4%4, i/16)
	grid3 := make([]float64, 0, 64*3)
	for i := range 64 {
		grid3 = append(grid3, float64(i%4), float64(i/4%4), float64(i/16))
	}
	tests := []struct {
		name      string
		pos       []float64
		n, dim, s int
		floatRoot bool
		wantS     int
		assign    func(i int) int
	}{
		// v = 2: cell width 1.5, so x in {0,1} -> 0 and {2,3} -> 1
		{"2d s=4", grid2, 16, 2, 4, false, 4, func(i int) int { return i%4/2 + 2*(i/4/2) }},
		// v = 1: one cell
		{"2d s=3", grid2, 16, 2, 3, false, 1, func(int) int { return 0 }},
		// v = 4: width 0.75, every point alone; flat index = x + 4y = i
		{"2d s=16 is not identity", grid2, 16, 2, 15 + 1, false, 16, func(i int) int { return i }},
		{"3d s=63", grid3, 64, 3, 63, false, 27, func(i int) int { return cell3(i, 3) }},
		{"3d s=64 exact root", grid3, 64, 3, 64, false, 64, func(i int) int { return i }},
		{"3d s=60 float root", grid3, 64, 3, 60, true, 27, func(i int) int { return cell3(i, 3) }},
		{"3d s=8", grid3, 64, 3, 8, false, 8, func(i int) int { return cell3(i, 2) }},
		{"identity s=n", grid3, 64, 3, 64 + 0, true, 64, func(i int) int { return i }},
		{"identity s>n", grid2, 16, 2, 100, false, 16, func(i int) int { return i }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assign, s, superPos, err := VoxelCluster(tc.pos, tc.n, tc.dim, tc.s, tc.floatRoot)
			if err != nil {
				t.Fatal(err)
			}
			if s != tc.wantS {
				t.Fatalf("%d supernodes, want %d", s, tc.wantS)
			}
			for i, c := range assign {
				if want := tc.assign(i); c != want {
					t.Fatalf("point %d in supernode %d, want %d", i, c, want)
				}
			}
			checkMeans(t, tc.pos, tc.dim, assign, s, superPos)
		})
	}
}

// cell3 is the voxel of point i of the 4x4x4 grid with v cells per dimension (width 3/v).
func cell3(i, v int) int {
	w := 3 / float64(v)
	c := func(x int) int { return min(int(float64(x)/w), v-1) }
	return c(i%4) + v*c(i/4%4) + v*v*c(i/16)
}

// checkMeans checks that every supernode is occupied and sits at the mean of its members.
func checkMeans(t *testing.T, pos []float64, dim int, assign []int, s int, superPos []float64) {
	t.Helper()
	sum := make([]float64, s*dim)
	cnt := make([]int, s)
	for i, c := range assign {
		cnt[c]++
		for d := range dim {
			sum[c*dim+d] += pos[i*dim+d]
		}
	}
	for c := range s {
		if cnt[c] == 0 {
			t.Fatalf("supernode %d has no members", c)
		}
		for d := range dim {
			if want := sum[c*dim+d] / float64(cnt[c]); math.Abs(superPos[c*dim+d]-want) > posTol {
				t.Fatalf("supernode %d coordinate %d = %v, want mean %v", c, d, superPos[c*dim+d], want)
			}
		}
	}
}

// TestVoxelCluster_Occupancy: only occupied cells become supernodes, numbered in flat order.
func TestVoxelCluster_Occupancy(t *testing.T) {
	// 2-D, v = 3 over [0, 3]^2 (width 1): cells (x, y) = (2,2), (0,0), (1,2), (0,0), (2,2),
	// (0,0), (1,2), (2,2), (0,0), (1,2); flat index x + 3y = 8, 0, 7, 0, 8, 0, 7, 8, 0, 7
	pos := []float64{2.5, 2.5, 0, 0, 1.5, 3, 0.2, 0.9, 3, 3, 0.5, 0.5, 1, 2.2, 2.9, 2.1, 0.99, 0.99, 1.99, 2.99}
	assign, s, superPos, err := VoxelCluster(pos, 10, 2, 9, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 0, 1, 0, 2, 0, 1, 2, 0, 1}; s != 3 || !sameInts(assign, want) {
		t.Fatalf("assign %v with %d supernodes, want %v with 3", assign, s, want)
	}
	checkMeans(t, pos, 2, assign, s, superPos)
	// a degenerate dimension (all x equal) puts every point in cell 0 along it
	pos = []float64{1, 0, 1, 1, 1, 2, 1, 3}
	assign, s, _, err = VoxelCluster(pos, 4, 2, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	if s != 1 || !sameInts(assign, []int{0, 0, 0, 0}) {
		t.Fatalf("degenerate: assign %v with %d supernodes", assign, s)
	}
}

// TestVoxelCluster_Golden compares with a plain-Python port of the reference's
// voxel_clustering (float root, truncation, clamp, sorted unique) on LCG clouds.
func TestVoxelCluster_Golden(t *testing.T) {
	tests := []struct {
		n, dim, s int
		seed      uint64
		wantS     int
		assign    []int
		first     []float64
		last      []float64
	}{
		{40, 3, 27, 1, 22,
			[]int{17, 12, 15, 11, 1, 10, 15, 18, 12, 19, 8, 3, 1, 14, 10, 6, 6, 2, 12, 5, 2, 4, 15, 2, 20, 7, 9, 2, 14, 6, 16, 13, 20, 3, 5, 3, 0, 21, 8, 21},
			[]float64{-0.1830676876024454, -0.20978147710725203, -0.2990164186574914},
			[]float64{0.3867218468758751, 0.3102107637955967, 0.2595362258306418}},
		{70, 3, 64, 2, 24,
			[]int{23, 9, 5, 23, 11, 0, 5, 0, 0, 7, 15, 20, 14, 3, 12, 11, 2, 1, 0, 17, 3, 15, 15, 2, 3, 7, 13, 16, 0, 5, 23, 6, 20, 12, 7, 9, 19, 1, 18, 14, 13, 19, 10, 17, 19, 14, 20, 22, 16, 23, 18, 16, 14, 19, 5, 19, 21, 16, 11, 14, 10, 14, 13, 8, 15, 2, 13, 4, 21, 23},
			[]float64{-0.30439553571093175, -0.2973372499096123, -0.39267528672068186},
			[]float64{0.34343760495341613, 0.3790129950871893, 0.21896106331549978}},
		{130, 3, 125, 5, 53,
			[]int{41, 15, 23, 0, 27, 41, 30, 17, 2, 7, 50, 12, 5, 9, 42, 52, 4, 3, 6, 26, 51, 28, 14, 19, 17, 44, 46, 37, 9, 6, 33, 37, 33, 19, 16, 51, 6, 13, 30, 33, 0, 10, 1, 41, 2, 40, 23, 8, 19, 1, 21, 22, 27, 36, 27, 35, 32, 45, 4, 47, 22, 45, 22, 11, 27, 21, 14, 10, 25, 9, 21, 42, 40, 17, 40, 50, 33, 45, 44, 37, 34, 46, 44, 40, 41, 1, 2, 17, 27, 47, 25, 19, 3, 43, 5, 12, 28, 5, 44, 8, 20, 2, 47, 7, 29, 13, 50, 0, 38, 12, 12, 32, 19, 18, 36, 8, 46, 28, 23, 24, 48, 31, 11, 38, 16, 19, 34, 39, 6, 49},
			[]float64{-0.29921985905817844, -0.38820123009512963, -0.3557330676683515},
			[]float64{0.0363576770490206, 0.26728819635487155, 0.2998542100969137}},
		{30, 2, 16, 3, 13,
			[]int{1, 3, 3, 7, 11, 12, 9, 12, 9, 10, 1, 8, 1, 2, 4, 10, 3, 2, 1, 5, 11, 11, 3, 8, 12, 12, 0, 3, 6, 2},
			[]float64{0.4777878531538474, -0.4229404675990228},
			[]float64{0.39468574302110143, 0.3625846115511462}},
		{25, 1, 6, 4, 6,
			[]int{2, 4, 4, 1, 0, 1, 5, 1, 5, 2, 0, 0, 5, 5, 1, 2, 0, 2, 5, 3, 2, 4, 3, 5, 0},
			[]float64{-0.4170720504896016},
			[]float64{0.4373792551440987}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("n=%d/d=%d/s=%d", tc.n, tc.dim, tc.s), func(t *testing.T) {
			pos := lcgCloud(tc.n, tc.dim, tc.seed)
			assign, s, superPos, err := VoxelCluster(pos, tc.n, tc.dim, tc.s, true)
			if err != nil {
				t.Fatal(err)
			}
			if s != tc.wantS || !sameInts(assign, tc.assign) {
				t.Fatalf("assign %v (%d supernodes), want %v (%d)", assign, s, tc.assign, tc.wantS)
			}
			for d := range tc.dim {
				if math.Abs(superPos[d]-tc.first[d]) > posTol || math.Abs(superPos[(s-1)*tc.dim+d]-tc.last[d]) > posTol {
					t.Fatalf("supernode positions %v ... %v, want %v ... %v", superPos[:tc.dim], superPos[(s-1)*tc.dim:], tc.first, tc.last)
				}
			}
		})
	}
}

func TestVoxelCluster_Errors(t *testing.T) {
	tests := []struct {
		name      string
		pos       []float64
		n, dim, s int
		want      error
	}{
		{"NaN", []float64{0, math.NaN(), 1, 1}, 2, 2, 1, ErrValue},
		{"Inf", []float64{0, 0, math.Inf(1), 1}, 2, 2, 1, ErrValue},
		{"short", []float64{0, 0, 1}, 2, 2, 1, ErrShape},
		{"dim 0", []float64{}, 0, 0, 1, ErrShape},
		{"s 0", []float64{0, 0, 1, 1}, 2, 2, 0, ErrConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := VoxelCluster(tc.pos, tc.n, tc.dim, tc.s, false); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
