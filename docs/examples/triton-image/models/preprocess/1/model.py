import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    """Decodes each request's bytes into a 3x224x224 FP32 tensor in [0, 1]."""

    def execute(self, requests):
        responses = []
        for request in requests:
            raw = pb_utils.get_input_tensor_by_name(request, "RAW").as_numpy()
            batch = np.zeros((raw.shape[0], 3, 224, 224), dtype=np.float32)
            for i, item in enumerate(raw):
                data = np.frombuffer(item[0], dtype=np.uint8)[: 3 * 224 * 224]
                batch[i].flat[: data.size] = data / 255.0
            out = pb_utils.Tensor("PIXELS", batch)
            responses.append(pb_utils.InferenceResponse(output_tensors=[out]))
        return responses
