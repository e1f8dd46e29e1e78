package datasets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
)

// ErrNoSurface reports a mesh that has no surface to sample: no faces, or a total area of zero
// (all faces degenerate) or beyond float64.
var ErrNoSurface = errors.New("mesh has no surface area")

// ErrArgument reports an argument outside its domain (a negative count, a nil generator).
var ErrArgument = errors.New("bad argument")

// Limits of the OFF reader. They bound what a malformed or hostile header can make it allocate.
const (
	// MaxOFFLine is the longest line, in bytes, that DecodeOFF accepts.
	MaxOFFLine = 1 << 20
	// MaxOFFCount is the largest vertex or face count that DecodeOFF accepts.
	MaxOFFCount = 1 << 26
	// offPrealloc caps what a header count alone may preallocate; larger meshes grow as read.
	offPrealloc = 1 << 16
)

// Mesh is a polygon mesh: vertex positions and faces given as lists of vertex indices
// (0-based, counter-clockwise as stored; orientation is not used here).
//
// Vertices holds x, y, z of each vertex in turn, so vertex i is Vertices[3i : 3i+3] and
// len(Vertices) = 3·NumVertices(). Every face has at least three vertices and every index lies
// in [0, NumVertices()).
type Mesh struct {
	Vertices []float64
	Faces    [][]int
}

// NumVertices returns the number of vertices.
func (m *Mesh) NumVertices() int { return len(m.Vertices) / 3 }

// ReadOFF reads an OFF mesh file; see DecodeOFF for the accepted dialect. Errors name the file
// and, for content errors, the line, and wrap ErrFormat.
func ReadOFF(path string) (*Mesh, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	return DecodeOFF(f, path)
}

// DecodeOFF reads an ASCII OFF mesh from r; name labels errors ("name:line: what").
//
// The accepted dialect, line by line (a '#' starts a comment to the end of the line; blank lines
// are skipped anywhere):
//
//	[ST][C][N]OFF [V F [E]]     header keyword; the counts may follow it on the same line
//	V F [E]                     vertex, face and (ignored) edge counts, if not on the header line
//	x y z [...]                 V vertex lines; extra values (normals, colours) are ignored
//	n i_1 ... i_n [...]         F face lines, n >= 3 indices into the vertices; extra values
//	                            (a face colour) are ignored
//
// The counts may also be joined to the keyword without a space ("OFF490 518 0"), a quirk of
// some of the official ModelNet40 meshes. Lines after the last face are ignored. Binary OFF,
// 4-D ("4OFF") and n-D ("nOFF") files are rejected with an error that says so. Coordinates must
// be finite. The reader never panics; every error wraps ErrFormat.
func DecodeOFF(r io.Reader, name string) (*Mesh, error) {
	d := offDecoder{sc: bufio.NewScanner(r), name: name}
	d.sc.Buffer(make([]byte, 0, 4096), MaxOFFLine)
	m, err := d.decode()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// offDecoder walks the lines of one OFF file.
type offDecoder struct {
	sc     *bufio.Scanner
	name   string
	line   int      // number of the line last read, 1-based
	fields [][]byte // the fields of the current line, reused
}

// errorf returns a format error located at the current line.
func (d *offDecoder) errorf(format string, a ...any) error {
	return fmt.Errorf("datasets: %s:%d: %s: %w", d.name, d.line, fmt.Sprintf(format, a...), ErrFormat)
}

// next returns the fields of the next line that holds anything but a comment; ok is false at
// the end of the input (err reports a read error or an over-long line). The fields are valid
// until the next call.
func (d *offDecoder) next() (fields [][]byte, ok bool, err error) {
	for d.sc.Scan() {
		d.line++
		b := d.sc.Bytes()
		if i := bytes.IndexByte(b, '#'); i >= 0 {
			b = b[:i]
		}
		d.fields = appendFields(d.fields[:0], b)
		if len(d.fields) > 0 {
			return d.fields, true, nil
		}
	}
	if err := d.sc.Err(); err != nil {
		d.line++
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, false, d.errorf("line longer than %d bytes", MaxOFFLine)
		}
		return nil, false, fmt.Errorf("datasets: %s:%d: reading: %w", d.name, d.line, err)
	}
	return nil, false, nil
}

// appendFields appends the white-space separated fields of b (ASCII space, tab, CR, vertical
// tab, form feed) to dst.
func appendFields(dst [][]byte, b []byte) [][]byte {
	start := -1
	for i, c := range b {
		space := c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'
		switch {
		case space && start >= 0:
			dst = append(dst, b[start:i])
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, b[start:])
	}
	return dst
}

// atoi parses a decimal integer field without allocating.
func atoi(b []byte) (int, error) { return strconv.Atoi(string(b)) }

func (d *offDecoder) decode() (*Mesh, error) {
	f, ok, err := d.next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("datasets: %s: empty file, want an OFF header: %w", d.name, ErrFormat)
	}
	counts, err := d.header(strs(f))
	if err != nil {
		return nil, err
	}
	if counts == nil { // the counts are on a line of their own
		f, ok, err := d.next()
		if err != nil {
			return nil, err
		} else if !ok {
			return nil, fmt.Errorf("datasets: %s: ends after the header, want the vertex and face counts: %w", d.name, ErrFormat)
		}
		counts = strs(f)
	}
	nv, nf, err := d.counts(counts)
	if err != nil {
		return nil, err
	}

	m := &Mesh{Vertices: make([]float64, 0, 3*min(nv, offPrealloc)), Faces: make([][]int, 0, min(nf, offPrealloc))}
	for i := 0; i < nv; i++ {
		f, ok, err := d.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("datasets: %s: ends after %d of %d vertices: %w", d.name, i, nv, ErrFormat)
		}
		if len(f) < 3 {
			return nil, d.errorf("vertex %d has %d coordinates, want 3", i, len(f))
		}
		for k := 0; k < 3; k++ {
			v, err := strconv.ParseFloat(string(f[k]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, d.errorf("vertex %d: coordinate %q is not a finite number", i, f[k])
			}
			m.Vertices = append(m.Vertices, v)
		}
	}

	// The indices of all faces share one backing array, grown as needed.
	idx := make([]int, 0, min(3*nf, offPrealloc))
	starts := make([]int, 0, min(nf+1, offPrealloc))
	for i := 0; i < nf; i++ {
		f, ok, err := d.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("datasets: %s: ends after %d of %d faces: %w", d.name, i, nf, ErrFormat)
		}
		n, err := atoi(f[0])
		if err != nil {
			return nil, d.errorf("face %d: vertex count %q is not an integer", i, f[0])
		}
		if n < 3 {
			return nil, d.errorf("face %d has %d vertices, want at least 3", i, n)
		}
		if n > len(f)-1 {
			return nil, d.errorf("face %d declares %d vertices but lists %d", i, n, len(f)-1)
		}
		starts = append(starts, len(idx))
		for k := 1; k <= n; k++ {
			v, err := atoi(f[k])
			if err != nil {
				return nil, d.errorf("face %d: vertex index %q is not an integer", i, f[k])
			}
			if v < 0 || v >= nv {
				return nil, d.errorf("face %d: vertex index %d outside [0, %d)", i, v, nv)
			}
			idx = append(idx, v)
		}
	}
	starts = append(starts, len(idx))
	for i := 0; i+1 < len(starts); i++ {
		m.Faces = append(m.Faces, idx[starts[i]:starts[i+1]:starts[i+1]])
	}
	return m, nil
}

// strs copies fields into strings.
func strs(f [][]byte) []string {
	s := make([]string, len(f))
	for i, b := range f {
		s[i] = string(b)
	}
	return s
}

// asciiUpper returns s with the ASCII letters a-z in upper case and every other byte as it is,
// so that indexes into the result are indexes into s.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// header checks the header keyword in the first fields and returns the counts that follow it
// on the same line, or nil if there are none.
func (d *offDecoder) header(f []string) ([]string, error) {
	kw := f[0]
	upper := asciiUpper(kw) // byte for byte: strings.ToUpper would change the length of invalid UTF-8
	i := strings.Index(upper, "OFF")
	if i < 0 {
		return nil, d.errorf("header %q is not OFF", kw)
	}
	prefix := upper[:i]
	switch {
	case strings.HasSuffix(prefix, "4"):
		return nil, d.errorf("header %q: 4-D OFF is not supported", kw)
	case strings.HasSuffix(prefix, "N") && strings.HasSuffix(kw[:i], "n"):
		return nil, d.errorf("header %q: n-D OFF is not supported", kw)
	}
	for _, p := range []string{"ST", "C", "N"} { // the allowed prefixes, in their order
		prefix = strings.TrimPrefix(prefix, p)
	}
	if prefix != "" {
		return nil, d.errorf("header %q is not OFF", kw)
	}
	rest := append([]string(nil), f[1:]...)
	if joined := kw[i+3:]; joined != "" { // "OFF490 518 0"
		rest = append([]string{joined}, rest...)
	}
	if len(rest) > 0 && strings.EqualFold(rest[0], "BINARY") {
		return nil, d.errorf("binary OFF is not supported (convert it to ASCII OFF)")
	}
	if len(rest) == 0 {
		return nil, nil
	}
	return rest, nil
}

// counts parses the vertex and face counts (the edge count, if any, is checked and ignored).
func (d *offDecoder) counts(f []string) (nv, nf int, err error) {
	if len(f) < 2 || len(f) > 3 {
		return 0, 0, d.errorf("counts %q: want \"vertices faces [edges]\"", strings.Join(f, " "))
	}
	var c [3]int
	for k, s := range f {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, 0, d.errorf("count %q is not a non-negative integer", s)
		}
		if v > MaxOFFCount && k < 2 {
			return 0, 0, d.errorf("count %d exceeds the reader's limit %d", v, MaxOFFCount)
		}
		c[k] = v
	}
	return c[0], c[1], nil
}

// Triangles returns the faces fan-triangulated: a face (v_0, v_1, ..., v_{n-1}) becomes the
// n−2 triangles (v_0, v_k, v_{k+1}) for k = 1 ... n−2, in face order. Fans are exact for convex
// faces, which is what OFF writers emit.
func (m *Mesh) Triangles() [][3]int {
	n := 0
	for _, f := range m.Faces {
		n += max(len(f)-2, 0)
	}
	t := make([][3]int, 0, n)
	for _, f := range m.Faces {
		for k := 1; k+1 < len(f); k++ {
			t = append(t, [3]int{f[0], f[k], f[k+1]})
		}
	}
	return t
}

// triangleArea returns the area ½·|(b − a) × (c − a)| of the triangle with vertex indices t.
func (m *Mesh) triangleArea(t [3]int) float64 {
	a, b, c := m.Vertices[3*t[0]:3*t[0]+3], m.Vertices[3*t[1]:3*t[1]+3], m.Vertices[3*t[2]:3*t[2]+3]
	ux, uy, uz := b[0]-a[0], b[1]-a[1], b[2]-a[2]
	vx, vy, vz := c[0]-a[0], c[1]-a[1], c[2]-a[2]
	cx, cy, cz := uy*vz-uz*vy, uz*vx-ux*vz, ux*vy-uy*vx
	return 0.5 * math.Sqrt(cx*cx+cy*cy+cz*cz)
}

// Area returns the surface area of the mesh, the sum of its fan triangles' areas.
func (m *Mesh) Area() float64 {
	s := 0.0
	for _, t := range m.Triangles() {
		s += m.triangleArea(t)
	}
	return s
}

// Validate checks the invariants of Mesh: vertex data in triples of finite numbers, faces of at
// least three in-range indices. name labels the error, which wraps ErrFormat.
func (m *Mesh) Validate(name string) error {
	if len(m.Vertices)%3 != 0 {
		return fmt.Errorf("datasets: mesh %s: %d vertex coordinates, not a multiple of 3: %w", name, len(m.Vertices), ErrFormat)
	}
	for i, v := range m.Vertices {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("datasets: mesh %s: vertex %d coordinate %d is %v: %w", name, i/3, i%3, v, ErrFormat)
		}
	}
	nv := m.NumVertices()
	for i, f := range m.Faces {
		if len(f) < 3 {
			return fmt.Errorf("datasets: mesh %s: face %d has %d vertices, want at least 3: %w", name, i, len(f), ErrFormat)
		}
		for _, v := range f {
			if v < 0 || v >= nv {
				return fmt.Errorf("datasets: mesh %s: face %d: vertex index %d outside [0, %d): %w", name, i, v, nv, ErrFormat)
			}
		}
	}
	return nil
}

// SampleSurface draws n points uniformly (with respect to area) on the surface of the mesh and
// returns them as x, y, z triples (len 3n).
//
// Each point picks a fan triangle (see Triangles) with probability proportional to its area,
// then a uniform point in it: with u, v ~ U[0, 1), reflected to 1−u, 1−v when u + v > 1,
//
//	p = a + u·(b − a) + v·(c − a),
//
// so (1 − u − v, u, v) are uniform barycentric coordinates. The draws, in order per point, are
// the triangle's uniform, u and v, all from rng, so a seeded rng fixes the result. Faces of zero
// area are never picked. The mesh must pass Validate.
func (m *Mesh) SampleSurface(n int, rng *rand.Rand) ([]float64, error) {
	if n < 0 {
		return nil, fmt.Errorf("datasets: sampling %d surface points: %w", n, ErrArgument)
	}
	if rng == nil {
		return nil, fmt.Errorf("datasets: sampling surface points: nil random generator: %w", ErrArgument)
	}
	if err := m.Validate("to sample"); err != nil {
		return nil, err
	}
	tris := m.Triangles()
	cum := make([]float64, len(tris))
	total, last := 0.0, -1
	for i, t := range tris {
		a := m.triangleArea(t)
		total += a
		cum[i] = total
		if a > 0 {
			last = i
		}
	}
	if last < 0 || math.IsInf(total, 0) || math.IsNaN(total) {
		return nil, fmt.Errorf("datasets: sampling surface points: %d faces, total area %v: %w", len(m.Faces), total, ErrNoSurface)
	}
	out := make([]float64, 3*n)
	for p := 0; p < n; p++ {
		x := rng.Float64() * total
		// The first triangle whose cumulative area exceeds x: zero-area triangles repeat the
		// previous cumulative value and are never the first to exceed it.
		i := sort.Search(len(cum), func(i int) bool { return cum[i] > x })
		if i > last { // x rounded up to total
			i = last
		}
		u, v := rng.Float64(), rng.Float64()
		if u+v > 1 {
			u, v = 1-u, 1-v
		}
		t := tris[i]
		a, b, c := m.Vertices[3*t[0]:3*t[0]+3], m.Vertices[3*t[1]:3*t[1]+3], m.Vertices[3*t[2]:3*t[2]+3]
		for k := 0; k < 3; k++ {
			out[3*p+k] = a[k] + u*(b[k]-a[k]) + v*(c[k]-a[k])
		}
	}
	return out, nil
}
