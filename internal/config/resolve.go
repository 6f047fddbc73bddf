package config

// resolve sets what valid settings imply: the Workspace endpoint of the
// region, when no endpoint was given (validate made sure one of them
// was). The demo's endpoint is its own fake's, known only once it serves.
func resolve(c *Config) {
	if c.isDemo() || c.Endpoint != "" {
		return
	}
	c.Endpoint = workspaceEndpoint(c.Region)
}

// workspaceEndpoint is the public Workspace endpoint of region.
func workspaceEndpoint(region string) string {
	return "https://workspace." + region + ".myhuaweicloud.com"
}
