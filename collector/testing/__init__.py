"""A kit for testing checks against local clouds, for this project and for plug-in authors.

Installed with the package, it is a pytest plug-in (entry point `pytest11: evidence`, see
:mod:`collector.testing.plugin` for its fixtures): a plug-in package's own tests can start moto,
the local Cloud Asset API or the local HTTPS Azure, build an estate there, run one check as the
runner would and read its results by resource, without copying anything from this repository::

    def test_my_bucket_check(evidence_aws):
        evidence_aws.client("s3").create_bucket(Bucket="b1")
        run = evidence_aws.run_check(my_bucket_check)
        assert run.statuses == {"arn:aws:s3:::b1": Status.FAIL}

Modules: :mod:`~collector.testing.run` (`run_check`, `CheckRun`, `replay_check`; no cloud
SDK), :mod:`~collector.testing.aws` (`AwsEstate`; the `demo` extra for moto),
:mod:`~collector.testing.gcp` (`GcpEstate`), :mod:`~collector.testing.azure` (`AzureEstate`).
"""

from collector.testing.run import CheckRun, by_resource, replay_check, run_check, statuses

__all__ = ["CheckRun", "by_resource", "replay_check", "run_check", "statuses"]
