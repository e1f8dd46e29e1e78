package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// offTol is the tolerance of coordinates read back or recomputed from a mesh.
const offTol = 1e-12

// cubeOFF is the unit cube [0,1]^3 with quad faces, header and counts on separate lines.
const cubeOFF = `OFF
8 6 12
0 0 0
1 0 0
1 1 0
0 1 0
0 0 1
1 0 1
1 1 1
0 1 1
4 0 3 2 1
4 4 5 6 7
4 0 1 5 4
4 2 3 7 6
4 1 2 6 5
4 0 4 7 3
`

func TestDecodeOFF(t *testing.T) {
	tetraVerts := []float64{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}
	tetraFaces := [][]int{{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}}
	tetraBody := "0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"
	cases := []struct {
		name  string
		in    string
		verts []float64
		faces [][]int
	}{
		{"plain", "OFF\n4 4 6\n" + tetraBody, tetraVerts, tetraFaces},
		{"joined header (ModelNet40)", "OFF4 4 6\n" + tetraBody, tetraVerts, tetraFaces},
		{"counts on the header line", "OFF 4 4 6\n" + tetraBody, tetraVerts, tetraFaces},
		{"no edge count", "OFF\n4 4\n" + tetraBody, tetraVerts, tetraFaces},
		{"comments, blank lines, CRLF, tabs",
			"# made by hand\r\n\r\nOFF # keyword\r\n  4\t4 0  \r\n\n# vertices\n0 0 0\n1 0 0 # x\n0 1 0\n\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n",
			tetraVerts, tetraFaces},
		{"colours and normals ignored", "CNOFF\n4 4 0\n0 0 0 0 0 1 255 0 0 255\n1 0 0 0 0 1 255 0 0 255\n0 1 0 0 0 1 0 0 0 0\n0 0 1 0 0 1 0 0 0 0\n3 0 2 1 255 0 0\n3 0 1 3\n3 0 3 2 0.5 0.5 0.5\n3 1 2 3\n",
			tetraVerts, tetraFaces},
		{"trailing lines ignored", "OFF\n4 4 6\n" + tetraBody + "2 0 1\n", tetraVerts, tetraFaces},
		{"lower-case keyword, exponents", "off\n3 1 0\n1e0 0 0\n0 1E0 0\n0 0 -0.0e3\n3 0 1 2\n",
			[]float64{1, 0, 0, 0, 1, 0, 0, 0, 0}, [][]int{{0, 1, 2}}},
		{"no faces", "OFF\n2 0 0\n1 2 3\n4 5 6\n", []float64{1, 2, 3, 4, 5, 6}, [][]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeOFF(strings.NewReader(tc.in), "mesh.off")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Vertices, tc.verts) {
				t.Errorf("vertices %v, want %v", m.Vertices, tc.verts)
			}
			if !reflect.DeepEqual(m.Faces, tc.faces) {
				t.Errorf("faces %v, want %v", m.Faces, tc.faces)
			}
			if err := m.Validate("mesh.off"); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDecodeOFF_Malformed(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // in the error message, after the file name
	}{
		{"empty", "", "mesh.off: empty file"},
		{"only comments", "# nothing\n\n", "mesh.off: empty file"},
		{"not OFF", "ply\nformat ascii 1.0\n", "mesh.off:1: header \"ply\" is not OFF"},
		{"unknown prefix", "XOFF\n3 1 0\n", "mesh.off:1: header \"XOFF\" is not OFF"},
		{"binary", "OFF BINARY\n", "mesh.off:1: binary OFF"},
		{"4-D", "4OFF\n1 0 0\n1 2 3 4\n", "mesh.off:1: header \"4OFF\": 4-D"},
		{"n-D", "nOFF\n3\n1 0 0\n1 2 3\n", "mesh.off:1: header \"nOFF\": n-D"},
		{"no counts", "OFF\n", "mesh.off: ends after the header"},
		{"one count", "OFF\n3\n", "mesh.off:2: counts \"3\""},
		{"four counts", "OFF 3 1 0 7\n", "mesh.off:1: counts \"3 1 0 7\""},
		{"negative count", "OFF\n-3 1 0\n", "mesh.off:2: count \"-3\""},
		{"text count", "OFF\nthree 1 0\n", "mesh.off:2: count \"three\""},
		{"joined garbage", "OFFSET 1 0\n", "mesh.off:1: count \"SET\""},
		{"huge count", "OFF\n99999999999 1 0\n", "exceeds the reader's limit"},
		{"truncated vertices", "OFF\n3 1 0\n0 0 0\n1 0 0\n", "mesh.off: ends after 2 of 3 vertices"},
		{"short vertex", "OFF\n3 1 0\n0 0 0\n1 0\n0 1 0\n3 0 1 2\n", "mesh.off:4: vertex 1 has 2 coordinates"},
		{"bad coordinate", "OFF\n3 1 0\n0 0 0\n1 zero 0\n0 1 0\n3 0 1 2\n", "mesh.off:4: vertex 1: coordinate \"zero\""},
		{"NaN coordinate", "OFF\n3 1 0\n0 0 NaN\n1 0 0\n0 1 0\n3 0 1 2\n", "mesh.off:3: vertex 0: coordinate \"NaN\""},
		{"overflowing coordinate", "OFF\n3 1 0\n0 0 1e999\n1 0 0\n0 1 0\n3 0 1 2\n", "vertex 0: coordinate \"1e999\""},
		{"truncated faces", "OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", "mesh.off: ends after 1 of 2 faces"},
		{"face index out of range", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n", "mesh.off:6: face 0: vertex index 3 outside [0, 3)"},
		{"negative face index", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 -1 2\n", "vertex index -1 outside"},
		{"face of two vertices", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n2 0 1\n", "mesh.off:6: face 0 has 2 vertices"},
		{"face lists too few", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n4 0 1 2\n", "face 0 declares 4 vertices but lists 3"},
		{"face count not integer", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3.0 0 1 2\n", "face 0: vertex count \"3.0\""},
		{"face index not integer", "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 x\n", "face 0: vertex index \"x\""},
		{"line too long", "OFF\n1 0 0\n0 0 " + strings.Repeat("0", MaxOFFLine+10) + "\n", "mesh.off:3: line longer than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeOFF(strings.NewReader(tc.in), "mesh.off")
			if err == nil {
				t.Fatalf("no error; mesh %v", m)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "datasets: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestReadOFF(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cube.off")
	if err := os.WriteFile(p, []byte(cubeOFF), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadOFF(p)
	if err != nil {
		t.Fatal(err)
	}
	if m.NumVertices() != 8 || len(m.Faces) != 6 {
		t.Fatalf("%d vertices, %d faces; want 8, 6", m.NumVertices(), len(m.Faces))
	}
	if _, err := ReadOFF(filepath.Join(dir, "missing.off")); err == nil || !strings.Contains(err.Error(), "missing.off") {
		t.Errorf("missing file: error %v does not name it", err)
	}
	bad := filepath.Join(dir, "bad.off")
	os.WriteFile(bad, []byte("OFF\n3 1 0\n0 0 0\n"), 0o644)
	if _, err := ReadOFF(bad); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), bad) {
		t.Errorf("truncated file: error %v", err)
	}
}

func TestMesh_TrianglesAndArea(t *testing.T) {
	cube, err := DecodeOFF(strings.NewReader(cubeOFF), "cube")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		m    *Mesh
		tris [][3]int
		area float64
	}{
		{"triangle", &Mesh{Vertices: []float64{0, 0, 0, 2, 0, 0, 0, 3, 0}, Faces: [][]int{{0, 1, 2}}}, [][3]int{{0, 1, 2}}, 3},
		{"pentagon fan", &Mesh{
			Vertices: []float64{1, 0, 0, 0.309017, 0.951057, 0, -0.809017, 0.587785, 0, -0.809017, -0.587785, 0, 0.309017, -0.951057, 0},
			Faces:    [][]int{{0, 1, 2, 3, 4}}},
			[][3]int{{0, 1, 2}, {0, 2, 3}, {0, 3, 4}}, 2.5 * math.Sin(2*math.Pi/5)},
		{"cube quads", cube, nil, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tris := tc.m.Triangles()
			if tc.tris != nil && !reflect.DeepEqual(tris, tc.tris) {
				t.Errorf("triangles %v, want %v", tris, tc.tris)
			}
			if tc.name == "cube quads" && len(tris) != 12 {
				t.Errorf("%d triangles, want 12", len(tris))
			}
			if a := tc.m.Area(); math.Abs(a-tc.area) > 1e-5 {
				t.Errorf("area %v, want %v", a, tc.area)
			}
		})
	}
}

func TestMesh_SampleSurface_OnTheMesh(t *testing.T) {
	const onTol = 1e-12
	cube, err := DecodeOFF(strings.NewReader(cubeOFF), "cube")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := cube.SampleSurface(2000, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 6000 {
		t.Fatalf("%d values, want 6000", len(pts))
	}
	var perFace [6]int // x=0, x=1, y=0, y=1, z=0, z=1
	for p := 0; p < 2000; p++ {
		x := pts[3*p : 3*p+3]
		onFace := -1
		for k := 0; k < 3; k++ {
			if x[k] < -onTol || x[k] > 1+onTol {
				t.Fatalf("point %v outside the cube", x)
			}
			if math.Abs(x[k]) <= onTol {
				onFace = 2 * k
			} else if math.Abs(x[k]-1) <= onTol {
				onFace = 2*k + 1
			}
		}
		if onFace < 0 {
			t.Fatalf("point %v is not on the cube's surface", x)
		}
		perFace[onFace]++
	}
	for f, c := range perFace { // each face has 1/6 of the area: 333 expected, sd 16.7
		if c < 250 || c > 420 {
			t.Errorf("face %d got %d of 2000 points, want about 333", f, c)
		}
	}
}

func TestMesh_SampleSurface_AreaWeighting(t *testing.T) {
	// Two triangles in the planes z = 0 (area 1) and z = 1 (area 3), plus a degenerate face
	// (area 0) that must never be picked.
	m := &Mesh{
		Vertices: []float64{0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 1, 0, 2, 1, 5, 5, 5, 6, 6, 6, 7, 7, 7},
		Faces:    [][]int{{6, 7, 8}, {0, 1, 2}, {3, 4, 5}},
	}
	const n = 40000
	pts, err := m.SampleSurface(n, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	upper := 0
	for p := 0; p < n; p++ {
		switch pts[3*p+2] {
		case 0:
		case 1:
			upper++
		default:
			t.Fatalf("point %v is on neither triangle (the degenerate face was picked?)", pts[3*p:3*p+3])
		}
	}
	// The share on the upper triangle is 3/4; its standard deviation is sqrt(3/16/n) ≈ 0.0022.
	const shareTol = 0.01
	if share := float64(upper) / n; math.Abs(share-0.75) > shareTol {
		t.Errorf("share on the triangle of area 3: %.4f, want 0.75 ± %v", share, shareTol)
	}
}

func TestMesh_SampleSurface_UniformInTriangle(t *testing.T) {
	// Midpoint subdivision cuts the triangle into four of equal area: each must get 1/4.
	m := &Mesh{Vertices: []float64{0, 0, 0, 4, 0, 0, 1, 3, 0}, Faces: [][]int{{0, 1, 2}}}
	const n = 40000
	pts, err := m.SampleSurface(n, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	var count [4]int
	var mean [2]float64
	for p := 0; p < n; p++ {
		x, y := pts[3*p], pts[3*p+1]
		mean[0] += x / n
		mean[1] += y / n
		// barycentric (l0, l1, l2) of (x, y) in ((0,0), (4,0), (1,3))
		l2 := y / 3
		l1 := (x - l2) / 4
		l0 := 1 - l1 - l2
		const eps = 1e-12
		if l0 < -eps || l1 < -eps || l2 < -eps {
			t.Fatalf("point (%v, %v) outside the triangle", x, y)
		}
		switch {
		case l0 > 0.5:
			count[0]++
		case l1 > 0.5:
			count[1]++
		case l2 > 0.5:
			count[2]++
		default:
			count[3]++
		}
	}
	const shareTol = 0.012 // about 5 standard deviations of a share of 1/4 over 40000 points
	for k, c := range count {
		if s := float64(c) / n; math.Abs(s-0.25) > shareTol {
			t.Errorf("sub-triangle %d: share %.4f, want 0.25", k, s)
		}
	}
	const meanTol = 0.02 // the centroid is (5/3, 1)
	if math.Abs(mean[0]-5.0/3) > meanTol || math.Abs(mean[1]-1) > meanTol {
		t.Errorf("mean %v, want the centroid (5/3, 1)", mean)
	}
}

func TestMesh_SampleSurface_Deterministic(t *testing.T) {
	cube, _ := DecodeOFF(strings.NewReader(cubeOFF), "cube")
	a, _ := cube.SampleSurface(100, rand.New(rand.NewPCG(7, 7)))
	b, _ := cube.SampleSurface(100, rand.New(rand.NewPCG(7, 7)))
	c, _ := cube.SampleSurface(100, rand.New(rand.NewPCG(7, 8)))
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different points")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same points")
	}
}

func TestMesh_SampleSurface_Errors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	line := &Mesh{Vertices: []float64{0, 0, 0, 1, 1, 1, 2, 2, 2}, Faces: [][]int{{0, 1, 2}}}
	cases := []struct {
		name string
		m    *Mesh
		n    int
		rng  *rand.Rand
		want error
	}{
		{"no faces", &Mesh{Vertices: []float64{0, 0, 0}}, 5, rng, ErrNoSurface},
		{"collinear face", line, 5, rng, ErrNoSurface},
		{"overflowing area", &Mesh{Vertices: []float64{0, 0, 0, 1e300, 0, 0, 0, 1e300, 0}, Faces: [][]int{{0, 1, 2}}}, 5, rng, ErrNoSurface},
		{"negative n", line, -1, rng, ErrArgument},
		{"nil rng", line, 5, nil, ErrArgument},
		{"index out of range", &Mesh{Vertices: []float64{0, 0, 0}, Faces: [][]int{{0, 1, 2}}}, 5, rng, ErrFormat},
		{"ragged vertices", &Mesh{Vertices: []float64{0, 0}}, 5, rng, ErrFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.m.SampleSurface(tc.n, tc.rng); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzDecodeOFF checks that no input makes DecodeOFF panic and that what it accepts is a valid
// mesh. Run with: go test -run '^$' -fuzz FuzzDecodeOFF -fuzztime 1m ./datasets/
func FuzzDecodeOFF(f *testing.F) {
	for _, s := range []string{
		cubeOFF, "OFF490 518 0\n", "OFF3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n",
		"COFF\n3 1\n0 0 0 1 1 1 1\n1 0 0 1 1 1 1\n0 1 0 1 1 1 1\n3 0 1 2 9 9 9\n",
		"# c\n\nOFF\r\n3 1 0\r\n0 0 0\r\n1 0 0\r\n0 1 0\r\n4 0 1 2 0\r\n", "OFF BINARY\n", "4OFF\n",
		"OFF\n1 0 0\n1e308 -1e308 0x1p-2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeOFF(bytes.NewReader(data), "fuzz.off")
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		if err := m.Validate("fuzz.off"); err != nil {
			t.Fatalf("accepted an invalid mesh: %v", err)
		}
		_ = m.Triangles()
		if _, err := m.SampleSurface(3, rand.New(rand.NewPCG(1, 1))); err != nil && !errors.Is(err, ErrNoSurface) {
			t.Fatalf("sampling an accepted mesh: %v", err)
		}
	})
}

// sphereOFF returns an OFF text of a UV sphere with about n vertices.
func sphereOFF(n int) string {
	rings := int(math.Sqrt(float64(n)))
	var b strings.Builder
	nv, nf := rings*rings, (rings-1)*rings
	fmt.Fprintf(&b, "OFF\n%d %d 0\n", nv, nf)
	for i := 0; i < rings; i++ {
		th := math.Pi * (float64(i) + 0.5) / float64(rings)
		for j := 0; j < rings; j++ {
			ph := 2 * math.Pi * float64(j) / float64(rings)
			fmt.Fprintf(&b, "%.6f %.6f %.6f\n", math.Sin(th)*math.Cos(ph), math.Sin(th)*math.Sin(ph), math.Cos(th))
		}
	}
	for i := 0; i+1 < rings; i++ {
		for j := 0; j < rings; j++ {
			a, c := i*rings+j, i*rings+(j+1)%rings
			fmt.Fprintf(&b, "4 %d %d %d %d\n", a, c, c+rings, a+rings)
		}
	}
	return b.String()
}

var sinkMesh *Mesh
var sinkPoints []float64

func BenchmarkDecodeOFF(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		text := []byte(sphereOFF(n))
		b.Run(fmt.Sprintf("V=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				m, err := DecodeOFF(bytes.NewReader(text), "sphere.off")
				if err != nil {
					b.Fatal(err)
				}
				sinkMesh = m
			}
		})
	}
}

func BenchmarkSampleSurface(b *testing.B) {
	m, err := DecodeOFF(strings.NewReader(sphereOFF(10000)), "sphere.off")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{400, 2048} {
		b.Run(fmt.Sprintf("V=10000/N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 0; i < b.N; i++ {
				p, err := m.SampleSurface(n, rng)
				if err != nil {
					b.Fatal(err)
				}
				sinkPoints = p
			}
		})
	}
}
