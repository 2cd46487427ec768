"""The two fixed points: the reference solutions get full marks, the untouched stubs zero."""
from conftest import failed_messages


def test_solutions_score_full_marks(solutions_result):
    assert failed_messages(solutions_result) == {}
    assert solutions_result.max_score > 0
    assert solutions_result.score == solutions_result.max_score
    assert [e.name for e in solutions_result.exercises] == ["my_linear", "logistic_regression", "custom_dataset"]


def test_every_exercise_has_an_end_to_end_check(solutions_result):
    for exercise in solutions_result.exercises:
        assert any("end to end" in c.title for c in exercise.checks), exercise.name


def test_cuda_checks_are_skipped_without_a_gpu_and_not_counted(solutions_result):
    import torch

    cuda = [c for e in solutions_result.exercises for c in e.checks if c.device == "cuda"]
    assert cuda, "tensor checks should have a CUDA variant"
    if torch.cuda.is_available():
        assert all(c.status == "passed" for c in cuda)
    else:
        assert all(c.status == "skipped" and c.message == "not run: no GPU" for c in cuda)
        counted = sum(c.max_score for e in solutions_result.exercises for c in e.checks if c.status != "skipped")
        assert solutions_result.max_score == counted


def test_stubs_score_zero_with_not_implemented_messages(stubs_result):
    assert stubs_result.score == 0
    messages = failed_messages(stubs_result)
    assert len(messages) == sum(1 for e in stubs_result.exercises for c in e.checks if c.status != "skipped")
    for check_id, message in messages.items():
        assert "not implemented yet" in message, (check_id, message)


def test_stub_failures_point_at_the_learners_line(stubs_result):
    for exercise in stubs_result.exercises:
        for check in exercise.checks:
            if check.status == "failed":
                assert check.location is not None and check.location.file == f"{exercise.name}.py"
                assert "NotImplementedError" in check.location.code
