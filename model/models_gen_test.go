package model

import (
	"os"
	"reflect"
	"testing"

	"github.com/chimevoice/chimevoice/model/internal/spec"
)

// TestGeneratedModels holds models_gen.go to the botocore JSON it was
// generated from: after replacing a model file, run `go generate ./model`.
func TestGeneratedModels(t *testing.T) {
	if len(generatedModels) != len(spec.Files) {
		t.Fatalf("models_gen.go has %d models, spec.Files lists %d: run go generate ./model", len(generatedModels), len(spec.Files))
	}
	for i, f := range spec.Files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := spec.Parse(f.Service, data)
		if err != nil {
			t.Fatal(err)
		}
		got := generatedModels[i]
		if got.Service != want.Service || !reflect.DeepEqual(got.Operations, want.Operations) {
			t.Errorf("%s: generated operations differ from %s: run go generate ./model", f.Service, f.Path)
		}
		if !reflect.DeepEqual(got.Shapes, want.Shapes) {
			for j := range min(len(got.Shapes), len(want.Shapes)) {
				if !reflect.DeepEqual(got.Shapes[j], want.Shapes[j]) {
					t.Errorf("%s: shape %s differs from %s: run go generate ./model", f.Service, want.Shapes[j].Name, f.Path)
					break
				}
			}
			t.Errorf("%s: generated shapes (%d) differ from %s (%d)", f.Service, len(got.Shapes), f.Path, len(want.Shapes))
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
