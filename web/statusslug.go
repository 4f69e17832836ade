package web

import (
	"context"
	"errors"
	"net/url"

	"github.com/runbookhq/runbook/engine"
	"github.com/runbookhq/runbook/engine/store"
)

// Status pages are addressed by a slug the owner chooses (/status/ops),
// unique across accounts, so the public URL does not expose a user id.
// Until an owner chooses one, the page stays reachable at the user id.

// statusPageView is the settings with the chosen slug and the address.
type statusPageView struct {
	store.StatusPage
	Slug string `json:"slug"`
	// Path is where the page is (when public); URL the same in full.
	Path string `json:"path"`
	URL  string `json:"url,omitempty"`
}

func (s *Server) viewStatusPage(ctx context.Context, p store.StatusPage) (statusPageView, error) {
	slug, err := s.cfg.Store.StatusSlug(ctx, p.Owner)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return statusPageView{}, err
	}
	v := statusPageView{StatusPage: p, Slug: slug}
	key := slug
	if key == "" {
		key = p.Owner
	}
	v.Path = "/status/" + url.PathEscape(key)
	v.URL = s.fullURL(v.Path)
	return v, nil
}

// setStatusSlug validates and claims slug for u ("" clears it).
func (s *Server) setStatusSlug(ctx context.Context, u store.User, slug string) error {
	if slug != "" {
		if err := store.ValidateSlug("slug", slug); err != nil {
			return err
		}
	}
	err := s.cfg.Store.SetStatusSlug(ctx, u.ID, slug)
	if errors.Is(err, store.ErrConflict) {
		return &engine.FieldError{Field: "slug", Reason: "is taken; choose another"}
	}
	return err
}

// statusOwner resolves the public page's key: a slug, or the owner's id
// while the owner has chosen no slug.
func (s *Server) statusOwner(ctx context.Context, key string) (string, error) {
	owner, err := s.cfg.Store.StatusSlugOwner(ctx, key)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return owner, err
	}
	if _, err := s.cfg.Store.StatusSlug(ctx, key); err == nil {
		return "", store.ErrNotFound // has a slug: the id address is retired
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	return key, nil
}
