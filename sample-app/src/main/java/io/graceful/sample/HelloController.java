package io.graceful.sample;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class HelloController {

	@GetMapping("/hello")
	String hello(@RequestParam(defaultValue = "0") long workMs) throws InterruptedException {
		Thread.sleep(workMs);
		return "hello";
	}

}
