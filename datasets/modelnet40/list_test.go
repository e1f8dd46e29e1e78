package modelnet40

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"chair", "airplane"}, 3, 10)
	// Things to ignore: hidden files, macOS debris, other file types, a class without this split.
	mustWrite(t, filepath.Join(root, "chair", "test", ".DS_Store"), "x")
	mustWrite(t, filepath.Join(root, "chair", "test", "notes.txt"), "x")
	mustWrite(t, filepath.Join(root, "__MACOSX", "test", "a.npy"), "x")
	mustWrite(t, filepath.Join(root, "bed", "train", "bed_0001.npy"), "x")
	mustWrite(t, filepath.Join(root, "README"), "x")

	l, err := List(root, Test)
	if err != nil {
		t.Fatal(err)
	}
	if l.Layout != LayoutNpy || l.Root != root || !reflect.DeepEqual(l.Classes, []string{"airplane", "chair"}) {
		t.Errorf("listing %+v", l)
	}
	var got []string
	for i, o := range l.Objects {
		if o.Index != i {
			t.Errorf("object %d has index %d", i, o.Index)
		}
		got = append(got, o.Class+"/"+filepath.Base(o.Path))
	}
	want := []string{"airplane/airplane_0001.npy", "airplane/airplane_0002.npy", "airplane/airplane_0003.npy",
		"chair/chair_0001.npy", "chair/chair_0002.npy", "chair/chair_0003.npy"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("objects %v, want %v", got, want)
	}
	tr, err := List(root, Train)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Classes, []string{"airplane", "bed", "chair"}) || len(tr.Objects) != 7 {
		t.Errorf("train: classes %v, %d objects", tr.Classes, len(tr.Objects))
	}
}

func TestList_FollowsModelNet40Folder(t *testing.T) {
	dir := t.TempDir()
	offTree(t, filepath.Join(dir, "ModelNet40"), []string{"cup"}, 4)
	l, err := List(dir, Train)
	if err != nil {
		t.Fatal(err)
	}
	if l.Root != filepath.Join(dir, "ModelNet40") || l.Layout != LayoutOFF || len(l.Objects) != 1 {
		t.Errorf("listing %+v", l)
	}
}

func TestList_Errors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	mustWrite(t, file, "x")
	noClasses := filepath.Join(dir, "noclasses")
	os.MkdirAll(filepath.Join(noClasses, "chair"), 0o755)
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, "chair", "test"), 0o755)
	mixed := filepath.Join(dir, "mixed")
	npyTree(t, mixed, []string{"a"}, 1, 4)
	offTree(t, mixed, []string{"b"}, 4)

	cases := []struct {
		name, root, split string
		want              error
		msg               string
	}{
		{"missing root", filepath.Join(dir, "nope"), Test, ErrNotFound, "nope does not exist"},
		{"root is a file", file, Test, ErrNotFound, "is not a folder"},
		{"no class folders", noClasses, Test, ErrNotFound, "has no <class>/test/ folders"},
		{"empty split", empty, Test, ErrNotFound, "split test under " + empty + " is empty"},
		{"mixed layouts", mixed, Test, ErrLayout, "mixes 1 .off and 1 .npy files"},
		{"bad split", empty, "validation", ErrConfig, `split "validation"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := List(tc.root, tc.split)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %v with %q", err, tc.want, tc.msg)
			}
		})
	}
}
