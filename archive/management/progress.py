"""The progress bar of the commands that go through every article."""


def progress_bar(stdout, verb):
    """A function(done, total) drawing a one-line bar on a terminal; nothing in logs or pipes."""

    def show(done, total):
        if not stdout.isatty():
            return
        share = done / max(total, 1)
        stdout.write(
            f"\r{verb} {share:4.0%} |{'#' * int(share * 30):<30}| {done}/{total}",
            ending="\n" if done >= total else "",
        )
        stdout.flush()

    return show
