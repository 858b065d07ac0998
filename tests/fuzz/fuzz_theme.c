/* fuzz_theme.c: dashboard theme files (pfg_tui_theme_load). */
#include "tui/tui_int.h"

#include "fuzz.h"

/* libFuzzer's entry: load the input as the theme "fuzz". */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	fuzz_file("fuzz.theme", data, size);
	struct pfg_strv dirs = { 0 }, warn = { 0 };
	pfg_strv_push(&dirs, fuzz_dir());
	struct pfg_tui_theme theme;
	char err[512];
	if (pfg_tui_theme_load(&dirs, "fuzz", &theme, &warn, err, sizeof err))
		abort(); /* the file is there: it must load, with warnings at worst */
	pfg_tui_theme_release(&theme);
	pfg_strv_release(&warn);
	pfg_strv_release(&dirs);
	return 0;
}
