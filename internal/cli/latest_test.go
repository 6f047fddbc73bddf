package cli

import (
	"strings"
	"testing"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/config"
)

// findTask: the exact name first, else the one name it begins (any case);
// several or none is a config error naming the candidates.
func TestFindTask(t *testing.T) {
	tasks := []api.Task{{ID: "1", TaskName: "Nightly reboot"}, {ID: "2", TaskName: "Nightly reboot (lab)"}, {ID: "3", TaskName: "Patch"}}
	for name, want := range map[string]string{"Nightly reboot": "1", "patch": "3", "NIGHTLY REBOOT (": "2"} {
		if got, err := findTask(tasks, name); err != nil || got.ID != want {
			t.Errorf("%q: %s, %v; want %s", name, got.ID, err, want)
		}
	}
	for name, want := range map[string]string{"nightly": `names 2 tasks: "Nightly reboot", "Nightly reboot (lab)"`, "zz": "no task of that name"} {
		_, err := findTask(tasks, name)
		if _, ok := err.(config.Error); !ok || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want a config error with %q", name, err, want)
		}
	}
}
