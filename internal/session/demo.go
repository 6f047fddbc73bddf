package session

import (
	"time"

	"github.com/wksrec/wksrec/internal/config"
	"github.com/wksrec/wksrec/internal/fake"
)

// The demo: the fake API in this process (--demo, -o --demo) or on an
// address (--serve-demo).

// DemoSeed fixes the demo data, so the README's screen is what users see.
const DemoSeed = 7

// DemoClock dates the demo (last night's run was last night); tests fix
// it, so that the data they compare with is the demo's to the second.
var DemoClock = time.Now

// DemoOptions are the fake API's settings for --demo and --serve-demo.
func DemoOptions(c config.Config) fake.Options {
	opts := fake.Options{Seed: DemoSeed + uint64(c.DemoVariant)*101, Latency: c.DemoLatency, RateLimit: c.DemoRateLimit, DenyActions: c.DemoDenyActions,
		DatedFrom: DemoClock()}
	if c.DemoFaults {
		opts.Faults = fake.DemoFaults()
	}
	return opts
}

// withDemoDefaults names the demo project; without ids the demo opens on
// the task list, as a real project does.
func withDemoDefaults(c config.Config) config.Config {
	if c.ProjectID == "" {
		c.ProjectID = "demo-project"
	}
	return c
}

// DemoRecord points -o --demo at the showcase record unless ids were given.
func DemoRecord(c config.Config) config.Config {
	data := fake.NewDataset(DemoSeed)
	c.TaskID = data.Tasks[0].ID
	c.RecordID = data.Records[c.TaskID][0].ID
	return c
}

// DemoFleet is --demo --fleet's fleet when the config file lists none:
// three projects, each with data of its own.
var DemoFleet = []config.FleetMember{
	{Name: "rd-beijing", Region: "cn-north-4", ProjectID: "demo-rd"},
	{Name: "finance-sh", Region: "cn-east-3", ProjectID: "demo-finance"},
	{Name: "lab-guangzhou", Region: "cn-south-1", ProjectID: "demo-lab"},
}

// WithDemoFleet is c with the demo's fleet when it is the demo and the
// config file lists no fleet.
func WithDemoFleet(c config.Config) config.Config {
	if c.Demo && len(c.Fleet) == 0 {
		c.Fleet = DemoFleet
	}
	return c
}
