package main

import (
	"github.com/wksrec/wksrec/internal/config"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wksrec/wksrec/ui"
)

// From nothing to the first frame with data: start the embedded demo API,
// build the client and the model, fetch the first page, size the window
// and draw. (The terminal's own setup is not in it.)
func BenchmarkDemoFirstFrame(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sess, err := connect(config.Config{Demo: true, PageSize: 100, Concurrency: 4}, env(), io.Discard)
		client, project, stop := sess.client, sess.projectID, sess.stop
		if err != nil {
			b.Fatal(err)
		}
		var m tea.Model = ui.New(ui.Config{Source: client, ProjectID: project, PageSize: 100})
		queue := []tea.Msg{tea.WindowSizeMsg{Width: 80, Height: 24}}
		queue = append(queue, run1(m.Init())...)
		for len(queue) > 0 {
			var cmd tea.Cmd
			m, cmd = m.Update(queue[0])
			queue = append(queue[1:], run1(cmd)...)
		}
		if view := m.View(); !strings.Contains(view, "8 tasks") {
			b.Fatalf("first frame:\n%s", view)
		}
		stop()
	}
}

// run1 runs cmd and returns its messages, flattening batches and leaving
// out spinner ticks (their next tick would wait for the animation).
func run1(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run1(c)...)
		}
		return out
	case spinner.TickMsg, nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}
