package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// listPage is how many objects one list request asks for: the API's
// largest page, so exporting 10,000 monitors is 10 requests.
var listPage = 1000

// listPagesMax bounds a walk, so a server that kept answering with a
// next cursor could not keep export running forever.
const listPagesMax = 100_000

// listAll reads every page of a list endpoint: it asks for listPage
// objects and follows X-Next-Cursor until a page comes without one. A
// list that is not paged (or a server from before paging) answers in
// one page with no cursor.
func listAll[T any](ctx context.Context, c *apiClient, path string) ([]T, error) {
	var all []T
	q := url.Values{"limit": {strconv.Itoa(listPage)}}
	for range listPagesMax {
		var page []T
		_, h, err := c.send(ctx, "GET", path+"?"+q.Encode(), nil, &page)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", path, err)
		}
		all = append(all, page...)
		next := h.Get("X-Next-Cursor")
		if next == "" {
			return all, nil
		}
		if len(page) == 0 {
			return nil, fmt.Errorf("list %s: an empty page with a next cursor", path)
		}
		q.Set("cursor", next)
	}
	return nil, fmt.Errorf("list %s: more than %d pages", path, listPagesMax)
}
