package geometricshapes

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

func TestDecodeZip(t *testing.T) {
	shapes, err := DecodeZip(smallArchive(t), "small.zip", true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range shapes {
		got = append(got, s.Class+"/"+s.Split)
	}
	want := []string{"2d_triangle/test", "2d_triangle/train", "3d_cube/test", "3d_cube/train", "line/test", "line/train"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shapes %v, want %v", got, want)
	}
	if shapes[3].Entry != "raw/3d_cube/train/3d_cube.off" || shapes[3].Mesh.NumVertices() != 8 || len(shapes[3].Mesh.Faces) != 6 {
		t.Errorf("cube: %+v", shapes[3])
	}
	if cs := Classes(shapes); !reflect.DeepEqual(cs, []string{"2d_triangle", "3d_cube", "line"}) {
		t.Errorf("classes %v", cs)
	}
}

func TestDecodeZip_Errors(t *testing.T) {
	badMesh := makeZip(t, [][2]string{{"raw/a/train/a.off", triangleOFF}, {"raw/b/test/b.off", "OFF\n3 1 0\n0 0 0\n"}})
	dup := makeZip(t, [][2]string{{"raw/a/train/a.off", triangleOFF}, {"raw/a/train/a2.off", triangleOFF}})
	empty := makeZip(t, [][2]string{{"raw/README", "x"}})
	cases := []struct {
		name     string
		data     []byte
		skip     bool
		want     error
		contains string
	}{
		{"checksum", smallArchive(t), false, ErrChecksum, "small.zip has SHA-256"},
		{"not a zip", []byte("hello"), true, datasets.ErrFormat, "small.zip is not a zip archive"},
		{"malformed mesh", badMesh, true, datasets.ErrFormat, "small.zip:raw/b/test/b.off: ends after 1 of 3 vertices"},
		{"two meshes for a class", dup, true, datasets.ErrFormat, "two meshes for class a, split train"},
		{"no meshes", empty, true, datasets.ErrFormat, "holds no"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeZip(tc.data, "small.zip", tc.skip)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %v, want %v containing %q", err, tc.want, tc.contains)
			}
		})
	}
}

func TestReadZip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "raw.zip")
	if err := os.WriteFile(p, smallArchive(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if shapes, err := ReadZip(p, true); err != nil || len(shapes) != 6 {
		t.Errorf("%d shapes, error %v", len(shapes), err)
	}
	if _, err := ReadZip(p, false); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v, want ErrChecksum naming the file", err)
	}
	if _, err := ReadZip(filepath.Join(dir, "missing.zip"), true); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "missing.zip") {
		t.Errorf("missing archive: error %v", err)
	}
}
