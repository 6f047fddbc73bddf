package config

// The config file's values, columns and keys, checked as the file says
// them: each error names the file, the line and the key, not the flag
// the value stands for.

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/wksrec/wksrec/api"
	"github.com/wksrec/wksrec/internal/defaults"
	"github.com/wksrec/wksrec/internal/notify"
	"github.com/wksrec/wksrec/internal/triage"
	"github.com/wksrec/wksrec/keymap"
)

// checkColumns checks [columns] names screens, each with a column, in
// the screens' order (the first bad one is named).
func checkColumns(columns map[string][]string, at func(string) string) error {
	for _, screen := range slices.Sorted(maps.Keys(columns)) {
		if !slices.Contains(Screens, screen) {
			return Errorf("%s: no screen %q; the screens are %s", at(screen), screen, strings.Join(Screens, ", "))
		}
		if len(columns[screen]) == 0 {
			return Errorf("%s: a screen needs at least one column", at(screen))
		}
		if err := triage.CheckColumns(screen, columns[screen]); err != nil {
			return Errorf("%s: %w", at(screen), err)
		}
	}
	return nil
}

// checkKeys checks [keys] rebinds the keymap's actions to keys it can
// take.
func checkKeys(keys map[string][]string, path, text string) error {
	k := keymap.Default()
	if action, err := rebindAll(&k, keys); err != nil {
		return Errorf("%s:%d: [keys] %w", path, lineOf(text, "keys", action), err)
	}
	return nil
}

// RebindKeys rebinds k's actions to keys, as the config file's [keys]
// sets them, by the rule Parse checked them with: what Parse accepted
// applies whole to keymap.Default(), whatever the map's order (a loop
// over the map may refuse an action that takes a key another gives up).
func RebindKeys(k *keymap.KeyMap, keys map[string][]string) error {
	_, err := rebindAll(k, keys)
	return err
}

// rebindAll rebinds each action to its keys. An action may take a key
// another one gives up in the same table, whichever comes first: each
// pass rebinds the actions it can (by name, so the outcome never depends
// on map order) until all are done or a pass does none; then the first
// action left, and why, is the answer.
func rebindAll(k *keymap.KeyMap, keys map[string][]string) (failed string, err error) {
	left := slices.Sorted(maps.Keys(keys))
	for len(left) > 0 {
		var (
			still    []string
			firstErr error
		)
		for _, action := range left {
			if err := k.Rebind(action, keys[action]); err != nil {
				still, firstErr = append(still, action), cmp.Or(firstErr, err)
			}
		}
		if len(still) == len(left) {
			return still[0], firstErr
		}
		left = still
	}
	return "", nil
}

// checkFileValues checks the values whose flags would name the flag, not
// the file, in their errors.
func checkFileValues(f fileSettings, at func(string) string) error {
	return firstError(
		func() error { return checkFileRange(at, "page_size", f.PageSize, 1, 100) },
		func() error { return checkFileRange(at, "concurrency", f.Concurrency, 1, 16) },
		func() error { return checkFileRange(at, "history", f.History, 1, defaults.MaxHistory) },
		func() error { return checkFileTheme(at, f.Theme) },
		func() error { return checkFileRegion(at, f.Region) },
		func() error { return checkFileEndpoint(at, "endpoint", f.Endpoint) },
		func() error { return checkFileEndpoint(at, "iam_endpoint", f.IAMEndpoint) },
		func() error { return checkFileProject(at, f.ProjectID) },
		func() error { return checkFileSize(at, "cache_max", f.CacheMax) },
		func() error { return checkFileWebhook(at, f.Webhook) },
	)
}

func checkFileWebhook(at func(string) string, v *string) error {
	if v == nil || *v == "" {
		return nil
	}
	if err := notify.CheckWebhookURL(*v); err != nil {
		return Errorf("%s: %v", at("webhook"), err)
	}
	return nil
}

func checkFileSize(at func(string) string, key string, v *string) error {
	if v == nil {
		return nil
	}
	if n, err := ParseSize(*v); err != nil || n < minCacheMax {
		return Errorf("%s must be a size of at least 1MiB like 1GiB or 500MiB, not %q", at(key), *v)
	}
	return nil
}

func checkFileRange(at func(string) string, key string, v *int, lo, hi int) error {
	if v != nil && (*v < lo || *v > hi) {
		return Errorf("%s must be from %d to %d, not %d", at(key), lo, hi, *v)
	}
	return nil
}

func checkFileTheme(at func(string) string, theme *string) error {
	if theme != nil && *theme != "auto" && *theme != "light" && *theme != "dark" {
		return Errorf("%s is %q: use auto, light or dark", at("theme"), *theme)
	}
	return nil
}

func checkFileRegion(at func(string) string, region *string) error {
	if region != nil && !regionName.MatchString(*region) {
		return Errorf("%s %q is not a region name like cn-north-4", at("region"), *region)
	}
	return nil
}

// checkFileEndpoint checks an endpoint the file sets; an empty one sets
// none.
func checkFileEndpoint(at func(string) string, key string, u *string) error {
	if u == nil || *u == "" {
		return nil
	}
	if _, err := api.ParseEndpoint(*u); err != nil {
		return Errorf("%s: %w", at(key), err)
	}
	return nil
}

func checkFileProject(at func(string) string, id *string) error {
	if id == nil || *id == "" {
		return nil
	}
	if err := api.ValidID(*id); err != nil {
		return Errorf("%s %q %w", at("project_id"), *id, err)
	}
	return nil
}
