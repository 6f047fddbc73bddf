package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/fake"
)

// scriptSource is the fake's data with script records whose output the
// test writes, counting the asks.
type scriptSource struct {
	*dataSource
	mu     sync.Mutex
	listed int
	output string
}

func (s *scriptSource) ListScriptRecords(_ context.Context, scriptTaskID string, ids []string, _, _ int) (api.Page[api.ScriptRecord], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listed++
	var out []api.ScriptRecord
	for _, id := range ids {
		out = append(out, api.ScriptRecord{ID: "sr-" + id, ResourceID: id, ScriptTaskID: scriptTaskID, ScriptName: "evil\x1b]0;x\x07.ps1", Status: "FAILED", ResultCode: "E1"})
	}
	return api.Page[api.ScriptRecord]{Items: out, Total: len(out)}, nil
}

func (s *scriptSource) GetScriptRecord(_ context.Context, id string) (api.ScriptRecord, error) {
	return api.ScriptRecord{ID: id, ResourceID: strings.TrimPrefix(id, "sr-"), ScriptName: "evil\x1b]0;x\x07.ps1", Status: "FAILED", ResultCode: "E1",
		Reason: "the script said no", Output: s.output}, nil
}

// A failed desktop of a script task's run shows its script record and the
// end of its output where the cursor rests (z: all of it); the output
// cannot move the cursor or set the title; a desktop that did not fail
// asks nothing.
func TestFailedScriptOutputInThePane(t *testing.T) {
	data := fake.NewDataset(7)
	var task api.Task
	for _, tk := range data.Tasks {
		if tk.TaskType == "EXECUTE_SCRIPT" {
			task = tk
			break
		}
	}
	run := data.Records[task.ID][0]
	var lines []string
	for i := range 50 {
		lines = append(lines, "line "+strings.Repeat("x", i%3)+string(rune('A'+i%26)))
	}
	lines[49] = "\x1b]0;PWNED\x07\x1b[2J\x1b[Hthe end\x1b[31m"
	src := &scriptSource{dataSource: &dataSource{d: data}, output: strings.Join(lines, "\r\n") + "\r\n"}
	m := start(t, New(Config{Source: src, ProjectID: "p", TaskID: task.ID, RecordID: run.ID, Record: &run, PageSize: 100, DesktopRest: time.Nanosecond}), 100, 40)
	if src.listed != 0 {
		t.Fatalf("the first row succeeded, yet %d script asks", src.listed)
	}
	m = send(t, m, press("f")) // the failed rows: the cursor rests on the first
	view := m.View()
	plain := ansi.Strip(view)
	if src.listed != 1 || !strings.Contains(plain, "Script       evil␛]0;x␇.ps1 FAILED · E1") || !strings.Contains(plain, "Script says  the script said no") {
		t.Fatalf("asked %d times; the pane:\n%s", src.listed, plain)
	}
	if !strings.Contains(plain, "… 40 lines above: z shows all") || !strings.Contains(plain, "␛]0;PWNED␇␛[2J␛[Hthe end␛[31m") {
		t.Fatalf("the output's end, made safe:\n%s", plain)
	}
	if strings.Contains(view, "\x1b]0;") || strings.Contains(view, "\x1b[2J") || strings.Contains(view, "\x07") {
		t.Fatal("the output reached the terminal raw")
	}
	m = send(t, m, press("z"))
	zoomed := ansi.Strip(m.View())
	if strings.Contains(zoomed, "lines above") || !strings.Contains(zoomed, "line A") {
		t.Fatalf("zoomed, the output is whole:\n%s", zoomed)
	}
	m = send(t, m, press("z"))
	send(t, m, press("k")) // back on the same row: known, not asked again
	if src.listed != 1 {
		t.Fatalf("asked %d times for one desktop", src.listed)
	}
}
