package host

import "sort"

func sortInfos(in []PluginInfo) {
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].Name != in[j].Name {
			return in[i].Name < in[j].Name
		}
		return in[i].Current && !in[j].Current
	})
}
