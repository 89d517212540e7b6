import Foundation
import Testing
import FapiaoIO

/// The bounded queue between the stages' threads.
@Suite struct ChannelTests {
    @Test func channelKeepsOrderAndCancelWakesAWaitingSender() {
        let channel = Channel<Int>(capacity: 2)
        let done = DispatchSemaphore(value: 0)
        let sent = Channel<Bool>(capacity: 10)
        Thread {
            for value in 0..<5 { sent.offer(channel.send(value)) }
            done.signal()
        }.start()
        #expect(channel.receive() == 0)
        #expect(channel.receive() == 1)
        #expect(channel.receive() == 2)
        channel.cancel()
        done.wait()
        #expect(channel.isCancelled)
        #expect(channel.receive() == nil)
        #expect(!channel.offer(9))
        var results: [Bool] = []
        while let result = sent.poll() { results.append(result) }
        #expect(results.prefix(3) == [true, true, true])
        #expect(results.count == 5)
    }
}
