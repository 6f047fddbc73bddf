package api

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// IAMEndpoint is the IAM base URL of a region.
func IAMEndpoint(region string) string { return "https://iam." + region + ".myhuaweicloud.com" }

// Project is one IAM project, as GET /v3/projects returns it.
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

// DiscoverProject finds the id of the project named after region with the
// IAM call GET /v3/projects?name={region}. cfg.Endpoint is the IAM
// endpoint; cfg.Auth should not send an X-Project-Id (the call is global).
// Exactly one project must come back.
func DiscoverProject(ctx context.Context, cfg Config, region string) (string, error) {
	c, err := newConn(cfg)
	if err != nil {
		return "", err
	}
	var page struct {
		Projects []Project `json:"projects"`
	}
	if err := c.get(ctx, []string{"v3", "projects"}, url.Values{"name": {region}}, &page); err != nil {
		return "", fmt.Errorf("looking up the project of region %s: %w", region, err)
	}
	switch len(page.Projects) {
	case 1:
		if page.Projects[0].ID == "" {
			return "", fmt.Errorf("IAM returned a project named %s without an id", region)
		}
		return page.Projects[0].ID, nil
	}
	ids := make([]string, len(page.Projects))
	for i, p := range page.Projects {
		ids[i] = p.ID
	}
	return "", &ProjectChoiceError{Region: region, IDs: ids}
}

// ProjectChoiceError is a region with no project, or several, for these
// credentials: the caller must name the project.
type ProjectChoiceError struct {
	Region string
	IDs    []string
}

func (e *ProjectChoiceError) Error() string {
	if len(e.IDs) == 0 {
		return fmt.Sprintf("IAM knows no project named %s for these credentials", e.Region)
	}
	return fmt.Sprintf("IAM returned %d projects named %s (%s)", len(e.IDs), e.Region, strings.Join(e.IDs, ", "))
}
