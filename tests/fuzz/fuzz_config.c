/* fuzz_config.c: the config loader (pfg_config_load) on any file. */
#include "perfguard/config.h"

#include "fuzz.h"

/* libFuzzer's entry: load the input as perfguard.json. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	const char *path = fuzz_file("perfguard.json", data, size);
	struct pfg_config *cfg = NULL;
	struct pfg_strv errors = { 0 };
	int rc = pfg_config_load(path, &cfg, &errors);
	/* The contract: a config, or at least one reason there is none. */
	if ((rc == 0) != (cfg != NULL) || (rc != 0 && errors.n == 0))
		abort();
	pfg_config_free(cfg);
	pfg_strv_release(&errors);
	return 0;
}
