import FapiaoPipeline
print("fapiao \(fapiaoVersion)")
